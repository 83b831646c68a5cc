import Testing
@testable import TAOAudio

@Suite("SpecAugment")
struct SpecAugmentTests {
    let ones = Features(values: [Float](repeating: 1, count: 64 * 200), featureCount: 64, frameCount: 200, validFrames: 150)

    /// Rows (bands) and columns (frames) that were masked.
    func masked(_ f: Features) -> (rows: Set<Int>, columns: Set<Int>) {
        var rows = Set<Int>(), columns = Set<Int>()
        for band in 0..<f.featureCount where (0..<f.frameCount).allSatisfy({ f[band, $0] != 1 }) { rows.insert(band) }
        for frame in 0..<f.frameCount where (0..<f.featureCount).allSatisfy({ f[$0, frame] != 1 }) { columns.insert(frame) }
        return (rows, columns)
    }

    @Test("the same seed gives the same masks; another seed gives others")
    func seeded() {
        var augment = SpecAugment()
        (augment.freqMasks, augment.timeMasks, augment.rectMasks) = (2, 2, 2)
        #expect(SpecAugment().freqMasks == 0 && SpecAugment().timeMasks == 0)
        var a = ones, b = ones, c = ones
        var r1 = SeededGenerator(seed: 7), r2 = SeededGenerator(seed: 7), r3 = SeededGenerator(seed: 8)
        augment.apply(to: &a, rng: &r1)
        augment.apply(to: &b, rng: &r2)
        augment.apply(to: &c, rng: &r3)
        #expect(a == b && a != c)
    }

    @Test("frequency masks are whole bands, at most freq_width wide each, filled with mask_value")
    func frequencyMasks() {
        var augment = SpecAugment()
        augment.freqMasks = 1
        augment.freqWidth = 15
        augment.maskValue = -3
        var rng = SeededGenerator(seed: 1)
        var widths = Set<Int>()
        for _ in 0..<200 {
            var f = ones
            augment.apply(to: &f, rng: &rng)
            let rows = masked(f).rows
            #expect(rows.count <= 15 && (rows.isEmpty || rows.max()! - rows.min()! + 1 == rows.count))
            #expect(f.values.allSatisfy { $0 == 1 || $0 == -3 })
            widths.insert(rows.count)
        }
        #expect(widths.contains(0) && widths.contains(15))
    }

    @Test("time masks stay within the valid frames and scale with a fractional width")
    func timeMasks() {
        var augment = SpecAugment()
        augment.timeMasks = 1
        augment.timeWidth = .fraction(0.1)
        var rng = SeededGenerator(seed: 2)
        var widest = 0
        for _ in 0..<300 {
            var f = ones
            augment.apply(to: &f, rng: &rng)
            let columns = masked(f).columns
            widest = max(widest, columns.count)
            // valid 150 frames: width <= int(150 * 0.1) = 15, start <= 150 - 15.
            #expect(columns.count <= 15 && columns.allSatisfy { $0 < 150 })
        }
        #expect(widest == 15)
        augment.timeWidth = .frames(40)
        var f = ones
        augment.timeMasks = 20
        augment.apply(to: &f, rng: &rng)
        #expect(masked(f).columns.allSatisfy { $0 < 150 })
    }

    @Test("cutout zeroes rectangles and nothing else")
    func cutout() {
        var augment = SpecAugment()
        augment.rectMasks = 5
        var rng = SeededGenerator(seed: 4)
        var f = ones
        augment.apply(to: &f, rng: &rng)
        #expect(f.values.contains(0) && f.values.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(f.values.filter { $0 == 0 }.count <= 5 * 5 * 20)
    }

    @Test("decodes NeMo's keys; an integer time_width is frames, a float is a fraction")
    func decoding() throws {
        let json = #"{"freq_masks": 2, "time_masks": 10, "freq_width": 27, "time_width": 0.05}"#
        let augment = try JSONDecoder().decode(SpecAugment.self, from: Data(json.utf8))
        #expect(augment.timeMasks == 10 && augment.freqWidth == 27 && augment.timeWidth == .fraction(0.05))
        let frames = try JSONDecoder().decode(SpecAugment.self, from: Data(#"{"time_width": 25}"#.utf8))
        #expect(frames.timeWidth == .frames(25) && frames.freqMasks == 0)
        var bad = SpecAugment()
        bad.timeWidth = .fraction(1.5)
        #expect(throws: AudioError.self) { try bad.validate() }
    }
}

import Foundation

import Foundation
import Testing
@testable import TAOAudio

@Suite("AudioFile")
struct AudioFileTests {
    @Test("reads the 16 kHz golden WAV as int16 / 32768")
    func readsGoldenWAV() throws {
        let url = try fixture("golden_utt_16k.wav")
        let info = try AudioFile.info(url)
        #expect(info.sampleRate == 16000 && info.channels == 1 && info.frames == 60430)
        #expect(info.container.hasPrefix("WAV") && info.encoding.contains("16 bit"))
        let clip = try AudioFile.read(url)
        #expect(clip.samples.count == 60430 && clip.sampleRate == 16000)
        // Every sample is an integer multiple of 2^-15.
        #expect(clip.samples.allSatisfy { ($0 * 32768).rounded() == $0 * 32768 })
        #expect(clip.samples.contains { $0 != 0 })
    }

    @Test("WAV round trips in every encoding within its quantization step", arguments: [
        (SampleEncoding.pcmU8, Float(1.0 / 128)), (.pcm16, 1.0 / 32768), (.pcm24, 1.0 / 8_388_608), (.pcm32, 1e-7),
        (.float32, 0), (.float64, 0), (.ulaw, 0.032), (.alaw, 0.032),
    ])
    func wavRoundTrip(encoding: SampleEncoding, tolerance: Float) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.wav")
        let signal = tone(440, sampleRate: 8000, count: 4000, amplitude: 0.8)
        try AudioFile.writeWAV(signal, sampleRate: 8000, encoding: encoding, to: url)
        let clip = try AudioFile.read(url)
        #expect(clip.sampleRate == 8000 && clip.samples.count == signal.count)
        #expect(maxAbsDifference(clip.samples, signal) <= tolerance)
    }

    @Test("FLAC is lossless and OGG/Vorbis is close")
    func flacAndOgg() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let signal = tone(300, sampleRate: 22050, count: 22050).map { ($0 * 32768).rounded() / 32768 }
        let flac = dir.appendingPathComponent("x.flac"), ogg = dir.appendingPathComponent("x.ogg")
        try AudioFile.writeFLAC(signal, sampleRate: 22050, to: flac)
        try AudioFile.writeOggVorbis(signal, sampleRate: 22050, to: ogg)
        #expect(try AudioFile.read(flac).samples == signal)
        #expect(try AudioFile.info(flac).container.hasPrefix("FLAC"))
        let decoded = try AudioFile.read(ogg)
        #expect(decoded.sampleRate == 22050 && abs(decoded.samples.count - signal.count) < 2048)
        let rms = sqrt(zip(decoded.samples, signal).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(signal.count))
        #expect(rms < 0.02)
    }

    @Test("stereo is mixed down by averaging, or one channel is picked")
    func channels() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("stereo.wav")
        let left: [Float] = [0.5, 0.25, -0.5, 0], right: [Float] = [0.25, 0.25, 0.5, -1]
        try AudioFile.writeWAV(Array(zip(left, right).map { [$0, $1] }.joined()), sampleRate: 44100, channels: 2, encoding: .float32, to: url)
        #expect(try AudioFile.read(url).samples == [0.375, 0.25, 0, -0.5])
        #expect(try AudioFile.read(url, options: .init(channels: .channel(1))).samples == right)
        #expect(throws: AudioError.noSuchChannel(file: url.path, channel: 2, channels: 2)) {
            try AudioFile.read(url, options: .init(channels: .channel(2)))
        }
    }

    @Test("raw headerless PCM needs and honours an explicit format")
    func rawPCM() throws {
        let values: [Int16] = [0, 16384, -16384, 32767, -32768]
        let little = values.flatMap { v in [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)] }
        let big = values.flatMap { v in [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
        let expected = values.map { Float($0) / 32768 }
        #expect(try AudioFile.read(bytes: little, name: "socket", raw: RawPCMFormat(sampleRate: 8000)).samples == expected)
        #expect(try AudioFile.read(bytes: big, name: "socket", raw: RawPCMFormat(sampleRate: 8000, endianness: .big)).samples == expected)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.raw")
        let floats: [Float] = [0.1, -0.2, 0.3, -0.4]
        try Data(floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }).write(to: url)
        let stereo = try AudioFile.read(url, raw: RawPCMFormat(encoding: .float32, sampleRate: 16000, channels: 2))
        #expect(stereo.sampleRate == 16000 && maxAbsDifference(stereo.samples, [-0.05, -0.05]) < 1e-7)
        #expect(throws: AudioError.invalidFormat(file: "socket", reason: "raw PCM sample rate 0 Hz")) {
            try AudioFile.read(bytes: little, name: "socket", raw: RawPCMFormat(sampleRate: 0))
        }
        // A cut last frame is an error, not a sample dropped without a word: in memory and in a file.
        #expect(throws: AudioError.corrupt(file: "socket", reason: "9 bytes of raw s16 PCM in 1 channel(s) are not whole 2-byte frames: the last frame is cut")) {
            try AudioFile.read(bytes: Array(little.dropLast()), name: "socket", raw: RawPCMFormat(sampleRate: 8000))
        }
        #expect(throws: AudioError.corrupt(file: url.path, reason: "16 bytes of raw f32 PCM in 3 channel(s) are not whole 12-byte frames: the last frame is cut")) {
            try AudioFile.read(url, raw: RawPCMFormat(encoding: .float32, sampleRate: 16000, channels: 3))
        }
    }

    @Test("a WAV header with a sample rate of 0 is named as such, not by libsndfile's internal struct")
    func zeroRateHeader() throws {
        var wav = try Array(Data(contentsOf: fixture("golden_utt_16k.wav")))
        #expect(Array(wav[12..<16]) == Array("fmt ".utf8))
        for offset in 24..<28 { wav[offset] = 0 }
        #expect(throws: AudioError.corrupt(file: "zero.wav", reason: "the header's sample rate, channel count or length is out of range "
                                           + "(a rate of 0 Hz, over 1024 channels)")) {
            try AudioFile.read(bytes: wav, name: "zero.wav")
        }
    }

    @Test("a reader streams a file in blocks that add up to the whole")
    func blockReading() throws {
        let url = try fixture("golden_utt_16k.wav")
        let reader = try AudioReader(url: url)
        var blocks: [[Float]] = []
        while case let block = try reader.read(maxFrames: 4096), !block.isEmpty { blocks.append(block) }
        #expect(blocks.count == 15 && blocks.allSatisfy { $0.count <= 4096 })
        #expect(Array(blocks.joined()) == (try AudioFile.read(url).samples))
    }
}

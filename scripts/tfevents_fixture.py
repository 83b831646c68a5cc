#!/usr/bin/env python3
"""Makes the TensorBoard event-file fixture that tao's writer must reproduce byte for byte.

Uses only the `tensorboard` package from PyPI (pip install tensorboard): its Event protos and its
TFRecord writer, then reads the file back with TensorBoard's own EventAccumulator and checks the scalars.

    python3 scripts/tfevents_fixture.py Tests/TAOToolkitTests/Fixtures/tfevents_scalars.bin
    python3 scripts/tfevents_fixture.py --check results/events.out.tfevents.*   # read a file tao wrote
"""
import os
import struct
import sys

from tensorboard.backend.event_processing import event_accumulator, plugin_event_accumulator
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.record_writer import RecordWriter

# The same values appear in Tests/TAOToolkitTests/TensorBoardWriterTests.swift.
HEADER_WALL_TIME = 1764400000.25
SCALARS = [  # (wall_time, step, [(tag, value)])
    (1764400000.25, 1, [("loss", 2.5), ("learning_rate", 0.01)]),
    (1764400001.5, 2, [("loss", 1.75), ("learning_rate", 0.01), ("wer", 0.5)]),
    (1764400007.125, 300, [("loss", 0.0), ("wer", 0.125)]),
    (1764400009.0, 0, [("loss", -1.0)]),
]


def write_fixture(path):
    with open(path, "wb") as f:
        writer = RecordWriter(f)
        header = event_pb2.Event(wall_time=HEADER_WALL_TIME, file_version="brain.Event:2")
        writer.write(header.SerializeToString())
        for wall_time, step, values in SCALARS:
            summary = summary_pb2.Summary(
                value=[summary_pb2.Summary.Value(tag=tag, simple_value=value) for tag, value in values]
            )
            event = event_pb2.Event(wall_time=wall_time, step=step, summary=summary)
            writer.write(event.SerializeToString())
        writer.flush()


def scalars_of(path):
    """{tag: [(step, value)]} as TensorBoard reads the file, checked two ways: the legacy accumulator, and the
    plugin accumulator that `tensorboard --logdir` serves from (it migrates simple_value to scalar tensors)."""
    acc = event_accumulator.EventAccumulator(path, size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    legacy = {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}
    plugin = plugin_event_accumulator.EventAccumulator(path, size_guidance={plugin_event_accumulator.TENSORS: 0})
    plugin.Reload()
    served = {
        tag: [(e.step, float(e.tensor_proto.float_val[0])) for e in plugin.Tensors(tag)]
        for tag in plugin.Tags()["tensors"]
    }
    assert served == legacy, (served, legacy)
    return legacy


def main(argv):
    if len(argv) >= 2 and argv[0] == "--check":
        for path in argv[1:]:
            for tag, points in sorted(scalars_of(path).items()):
                print(f"{path}: {tag}: {points}")
        return 0
    path = argv[0] if argv else "tfevents_scalars.bin"
    assert "tfevents" in os.path.basename(path), "TensorBoard reads a file only if its name contains 'tfevents'"
    write_fixture(path)
    read = scalars_of(path)
    expected = {}
    for _, step, values in SCALARS:
        for tag, value in values:
            as_float32 = struct.unpack("<f", struct.pack("<f", value))[0]  # simple_value is a float
            expected.setdefault(tag, []).append((step, as_float32))
    assert read == expected, (read, expected)
    print(f"wrote {path}; TensorBoard reads back {sum(len(v) for v in read.values())} scalars in {len(read)} tags")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Hostile ONNX files are refused with a NetIRError naming the tensor, node or value,
after bounded work: external data leaving the model's folder, huge dims, cycles,
dangling inputs, unknown domains, bytes that are not ONNX, a file over the size
limit."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

from onnx import TensorProto, helper  # noqa: E402

from netir import from_onnx  # noqa: E402
from netir.importers.onnx import read  # noqa: E402
from netir.ir.errors import (  # noqa: E402
    FileError,
    GraphError,
    NetIRError,
    ResourceError,
    SerializationError,
    UnsupportedModelError,
)
from tests.importers.onnx import models  # noqa: E402


def _declared(name: str, dims) -> TensorProto:
    """A float tensor's header, its data left to the test."""
    tensor = TensorProto(name=name, data_type=TensorProto.FLOAT)
    tensor.dims.extend(dims)
    return tensor


def _external(location: str, *, offset: int = 0, length: int = 16):
    """Conv whose weight lives in external data at ``location``."""
    weight = _declared("w", [1, 1, 2, 2])
    weight.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        entry = weight.external_data.add()
        entry.key, entry.value = key, str(value)
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[2, 2])
    return models.model([node], {"x": ["N", 1, 3, 3]}, "y", [weight])


def _save(tmp_path, model, name="model.onnx"):
    path = tmp_path / name
    path.write_bytes(model.SerializeToString())
    return path


def test_external_data_inside_the_folder_is_read(tmp_path):
    (tmp_path / "w.bin").write_bytes(np.arange(4, dtype="<f4").tobytes())
    graph, weights = from_onnx(_save(tmp_path, _external("w.bin")))
    assert weights["conv"]["weight"].reshape(-1).tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("location", ["../secret.bin", "/etc/passwd", "sub/../../x.bin"])
def test_external_data_leaving_the_folder_is_refused(tmp_path, location):
    folder = tmp_path / "model"
    folder.mkdir()
    (tmp_path / "secret.bin").write_bytes(b"\0" * 16)
    with pytest.raises(FileError, match=r"^w \(initializer\): external data outside") as err:
        from_onnx(_save(folder, _external(location)))
    assert location in str(err.value)


def test_external_data_through_a_symlink_out_of_the_folder_is_refused(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (tmp_path / "secret.bin").write_bytes(b"\0" * 16)
    (folder / "link.bin").symlink_to(tmp_path / "secret.bin")
    with pytest.raises(FileError, match="outside the model's folder"):
        from_onnx(_save(folder, _external("link.bin")))


def test_external_data_past_the_end_of_its_file_is_refused(tmp_path):
    (tmp_path / "w.bin").write_bytes(b"\0" * 8)
    with pytest.raises(SerializationError, match=r"^w \(initializer\): external data bytes"):
        from_onnx(_save(tmp_path, _external("w.bin", offset=4, length=16)))


def test_external_data_without_a_folder_is_refused():
    with pytest.raises(FileError, match="needs the model's folder"):
        from_onnx(_external("w.bin"))


def test_an_initializer_declaring_huge_dims_is_refused_unread():
    weight = _declared("w", [2**20, 2**20, 2**10, 1])
    weight.raw_data = b"\0" * 16
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[1024, 1])
    with pytest.raises(SerializationError, match=r"^w \(initializer\): .*elements"):
        from_onnx(models.model([node], {"x": ["N", 1, 3, 3]}, "y", [weight]))


def test_an_initializer_whose_data_does_not_fill_its_dims_is_refused():
    weight = _declared("w", [1, 1, 2, 2])
    weight.raw_data = b"\0" * 12
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[2, 2])
    with pytest.raises(SerializationError, match=r"^w \(initializer\): .*12 bytes"):
        from_onnx(models.model([node], {"x": ["N", 1, 3, 3]}, "y", [weight]))


def test_a_huge_input_is_refused_by_the_memory_guard():
    node = helper.make_node("Relu", ["x"], ["y"], name="relu")
    with pytest.raises(ResourceError, match=r"relu|x"):
        from_onnx(models.model([node], {"x": ["N", 2**20, 2**20, 2**10]}, "y"))


def test_a_cycle_is_refused_naming_a_node_on_it():
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="start"),
             helper.make_node("Add", ["a", "c"], ["b"], name="loop_add"),
             helper.make_node("Relu", ["b"], ["c"], name="loop_relu"),
             helper.make_node("Relu", ["c"], ["y"], name="end")]
    with pytest.raises(GraphError, match=r"^loop_add \(Add\): the graph has a cycle"):
        from_onnx(models.model(nodes, {"x": ["N", 3]}, "y"))


def test_a_dangling_input_is_refused_naming_the_node_and_value():
    nodes = [helper.make_node("Add", ["x", "nowhere"], ["y"], name="reads_nothing")]
    with pytest.raises(GraphError, match=r"^reads_nothing \(Add\): .*Got: nowhere"):
        from_onnx(models.model(nodes, {"x": ["N", 3]}, "y"))


def test_an_unknown_domain_is_listed_naming_the_node_and_domain():
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="fine"),
             helper.make_node("FusedThing", ["a"], ["y"], name="custom",
                              domain="com.example")]
    model = models.model(nodes, {"x": ["N", 3]}, "y")
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    with pytest.raises(UnsupportedModelError, match=r"custom: FusedThing: the domain "
                                                    r"'com.example'"):
        from_onnx(model)


def test_an_opset_outside_the_range_is_refused():
    model = models.model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                         {"x": ["N", 3]}, "y", opset=8)
    with pytest.raises(UnsupportedModelError, match=r"opsets 9\.\.26. Got: 8"):
        from_onnx(model)


def test_a_truncated_file_is_refused(tmp_path):
    data = models.classifier_opset9().SerializeToString()
    path = tmp_path / "cut.onnx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SerializationError, match="not an ONNX model") as err:
        from_onnx(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("data", [b"", b"hello, this is text\n", bytes(range(256)) * 4])
def test_bytes_that_are_not_onnx_are_refused(tmp_path, data):
    path = tmp_path / "junk.onnx"
    path.write_bytes(data)
    with pytest.raises(SerializationError, match="not an ONNX model"):
        from_onnx(path)


def test_a_file_over_the_limit_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    path = _save(tmp_path, models.classifier_opset9())
    monkeypatch.setattr(read, "MAX_MODEL_BYTES", path.stat().st_size - 1)
    with pytest.raises(FileError, match="larger than the limit"):
        from_onnx(path)


def test_a_directory_or_missing_file_is_a_file_error(tmp_path):
    for path in (tmp_path, tmp_path / "missing.onnx"):
        with pytest.raises(FileError):
            from_onnx(path)


def test_every_refusal_is_a_netir_error():
    with pytest.raises(NetIRError):
        from_onnx(12345)


def test_a_constant_node_that_would_make_a_huge_tensor_is_not_evaluated():
    """ConstantOfShape of (2**40,): refused from its argument, before anything runs."""
    shape = helper.make_tensor("shape", TensorProto.INT64, [1], [2**40])
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["big"], name="huge"),
             helper.make_node("Add", ["x", "big"], ["y"], name="add")]
    with pytest.raises(UnsupportedModelError, match=r"huge: ConstantOfShape: a constant of "
                                                    r"1,099,511,627,776 elements"):
        from_onnx(models.model(nodes, {"x": ["N", 3]}, "y", [shape]))

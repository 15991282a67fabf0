import json
import re

from click.testing import CliRunner

import netir
from netir.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version():
    r = run("--version")
    assert r.exit_code == 0 and netir.__version__ in r.output


def test_ops_lists_every_op_with_defaults():
    r = run("ops")
    for op in netir.list_ops():
        assert op in r.output
    assert "count_include_pad: bool, default True" in r.output
    assert "mul  [merge, inputs: 1-2, ranks: 1, 2, 3, 4]" in r.output
    assert "global_avg_pool  [pool, inputs: 1, ranks: 2, 3, 4, layouts: CL CHW CDHW TC]" in r.output
    assert "conv2d  [conv, inputs: 1, ranks: 3, layouts: CHW]" in r.output


def test_list_prints_lineage_table():
    r = run("list")
    lines = r.output.splitlines()
    assert lines[0].split()[:3] == ["name", "year", "family"]
    rows = [line.split() for line in lines[2:] if line and line.split()[0] in
            ("lenet5", "resnet50", "densenet201")]
    assert rows[0][:4] == ["lenet5", "1998", "LeNet", "61,706"]
    assert rows[1][3:5] == ["25,557,032", "4.09G"] and rows[1][5] == "50"
    vgg = run("list", "vgg1?").output.splitlines()
    assert sum(line.startswith("vgg1") for line in vgg) == 4


def test_summary_of_name_and_file(tmp_path):
    r = run("summary", "resnet18", "--num-classes", "10", "--input", "1x64x64")
    assert r.exit_code == 0 and "fc" in r.output
    g = netir.architectures.build("resnet18", num_classes=10, in_channels=1, input_size=64)
    assert f"{g.count_params()[0]:,}" in r.output
    path = tmp_path / "lenet.json"
    netir.architectures.build("lenet5").save(path)
    r = run("summary", str(path))
    assert "61,706" in r.output


def test_errors_are_one_line_with_status_1(tmp_path):
    r = CliRunner().invoke(main, ["summary", "alexnet", "--input", "3x32x32"])
    assert r.exit_code == 1
    assert r.output.startswith("error: features.") and "Got:" in r.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "netir.graph", "version": 7}))
    r = CliRunner().invoke(main, ["summary", str(bad)])
    assert r.exit_code == 1 and "newer" in r.output


def test_list_shows_small_networks_macs_readably():
    r = CliRunner().invoke(main, ["list", "lenet*"])
    assert r.exit_code == 0, r.output
    row = next(line for line in r.output.splitlines() if line.startswith("lenet5"))
    assert "416.52k" in row and "0.000" not in row


def test_list_groups_by_family_and_year():
    lines = run("list", "mobilenet*").output.splitlines()
    assert lines[2] == ("MobileNet (2018): MobileNetV2: inverted residuals and linear "
                        "bottlenecks, CVPR 2018")
    assert lines[3].split()[:3] == ["mobilenet_v2", "2018", "MobileNet"]
    assert lines[4] == "MobileNet (2019): Searching for MobileNetV3, ICCV 2019"
    assert [line.split()[:2] for line in lines[5:7]] == [["mobilenet_v3_large", "2019"],
                                                       ["mobilenet_v3_small", "2019"]]
    # one heading per (family, year), in year order
    output = run("list", "*net_v*").output
    headings = re.findall(r"^([A-Z][\w ]*) \((\d{4})\): ", output, flags=re.M)
    assert headings == [("MobileNet", "2018"), ("ShuffleNet", "2018"), ("MobileNet", "2019"),
                        ("EfficientNet", "2021")]


def test_list_json_gives_tools_the_records(torchvision_reference):
    r = run("list", "--json", "shufflenet*")
    assert r.exit_code == 0
    records = json.loads(r.output)
    assert [rec["name"] for rec in records] == ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
                                                "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]
    for rec in records:
        ref = torchvision_reference[rec["name"]]
        assert (rec["params"], rec["buffers"], rec["macs"]) == (
            ref["trainable_params"], ref["float_buffers"], ref["macs"])
        assert rec["input_shape"] == ref["input_shape"]
        assert [1, *rec["output_shape"]] == ref["output_shape"]
        assert (rec["family"], rec["year"]) == ("ShuffleNet", 2018)
        assert rec["paper"]["venue"] == "ECCV 2018" and 50 < rec["top1"] < 90
    assert run("list", "--json", "shufflenet*").output == r.output
    assert json.loads(run("list", "--json", "nothing*").output) == []


def test_help_says_what_netir_is_and_names_every_registered_backend(monkeypatch):
    from netir.emitters import registry

    monkeypatch.setattr(registry, "_BACKENDS", {**registry._BACKENDS, "toy-plugin": None})
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "framework-neutral graph" in text and "Author a CNN" not in text
    for framework in ("PyTorch", "Keras 3", "ONNX", "NumPy reference", "node by node"):
        assert framework in text
    listed = re.search(r"Backends: ([^.]*)\.", text).group(1).split(", ")
    assert listed == registry.list_backends()
    assert "toy-plugin" in listed  # read from the registry, plugins included


def test_check_commands_are_defined_without_importing_the_group():
    import subprocess
    import sys

    code = "import sys, netir.commands_check; print('netir.cli' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_choices_are_the_tables_that_hold_them(tmp_path):
    from netir.emitters.calibration import WEIGHT_KINDS
    from netir.renderers.diagram import FORMATS
    from netir.renderers.lang import LANGUAGES
    from netir.renderers.levels import LEVELS
    from netir.training.data import DATASETS

    for args, table in ((["check", "lenet5", "--weights", "bogus"], WEIGHT_KINDS),
                        (["compare", "lenet5", "--weights", "bogus"], WEIGHT_KINDS),
                        (["gallery", "-o", str(tmp_path), "--lang", "bogus"], LANGUAGES),
                        (["train", "lenet5", "-o", str(tmp_path), "--data", "bogus"], DATASETS),
                        (["summary", "lenet5", "--level", "bogus"], LEVELS),
                        (["render", "lenet5", "-o", str(tmp_path / "d.svg"), "--format", "bogus"],
                         FORMATS)):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, args
        assert all(f"'{name}'" in result.output for name in table), result.output

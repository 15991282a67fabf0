import json

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
    assert "mul  [merge, inputs: 1-2, ranks: 1, 3]" in r.output
    assert "conv2d  [conv, inputs: 1, ranks: 3]" in r.output


def test_list_prints_lineage_table():
    r = run("list")
    lines = r.output.splitlines()
    assert lines[0].split()[:3] == ["name", "year", "family"]
    rows = [line.split() for line in lines[2:] if line and line.split()[0] in
            ("lenet5", "resnet50", "densenet201")]
    assert rows[0][:4] == ["lenet5", "1998", "LeNet", "61,706"]
    assert rows[1][3:5] == ["25,557,032", "4.09G"] and rows[1][5] == "50"
    assert run("list", "vgg1?").output.count("VGG") == 4


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

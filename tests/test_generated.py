"""Generated files are current: regenerate them and compare."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_taylor_tables_are_current(tmp_path: Path) -> None:
    target = ROOT / "actcli" / "core" / "_taylor.py"
    before = target.read_text()
    script = ROOT / "tools" / "gen_taylor.py"
    # Run a copy that writes into tmp_path, so a stale file is reported, not silently fixed.
    copy = tmp_path / "gen_taylor.py"
    copy.write_text(script.read_text().replace(
        'OUT = Path(__file__).resolve().parent.parent / "actcli" / "core" / "_taylor.py"',
        f'OUT = Path({str(tmp_path / "_taylor.py")!r})',
    ))
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    assert (tmp_path / "_taylor.py").read_text() == before, "run: python tools/gen_taylor.py"


def test_readme_catalog_is_current() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_docs
    finally:
        sys.path.pop(0)
    text = (ROOT / "README.md").read_text()
    assert gen_docs.START in text, "README.md lost its catalog markers"
    assert gen_docs.render(text) == text, "run: python tools/gen_docs.py"


def test_readme_and_package_examples_run() -> None:
    import doctest

    import actcli

    for result in (
        doctest.testfile(str(ROOT / "README.md"), module_relative=False),
        doctest.testmod(actcli),
    ):
        assert result.failed == 0 and result.attempted > 0

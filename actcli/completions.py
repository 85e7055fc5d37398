"""Shell completion: the scripts shipped in completions/, and what TAB offers for a FUNC.

    python -m actcli.completions                 # rewrite completions/ (bash, zsh, fish)
    python -m actcli.completions --shell bash    # print one script

The scripts only call back into `actcli` with _ACTCLI_COMPLETE set; what they offer comes from
the app and, for function names, from the registry (`complete_function`). This module must stay
light: a TAB press runs actcli, so nothing here imports rich, plotext or scipy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SHELLS = {"bash": "actcli.bash", "zsh": "_actcli", "fish": "actcli.fish"}
FOLDER = Path(__file__).resolve().parent.parent / "completions"


def script(shell: str) -> str:
    """The completion script for one shell, as Typer writes it for the actcli program."""
    from typer.completion import get_completion_script

    if shell == "bash":
        return _BASH
    return get_completion_script(prog_name="actcli", complete_var="_ACTCLI_COMPLETE", shell=shell)


# Typer's bash script, but reading the line as typed: bash splits words at ':' (COMP_WORDBREAKS),
# (and '='), which would cut 'leaky_relu:alpha=' in pieces. actcli gets whole words, and the part
# up to the last such character is trimmed from its replies, since bash replaces only what
# follows it (as bash-completion's __ltrim_colon_completions does); the user's settings stay.
_BASH = r"""_actcli_completion() {
    local IFS=$'\n'
    local line="${COMP_LINE:0:COMP_POINT}"
    local cur="${line##*[[:space:]]}"
    local -a words
    IFS=$' \t' read -ra words <<< "$line"
    local cword=${#words[@]}
    [[ -n "$cur" ]] && cword=$((cword - 1))
    COMPREPLY=( $( env COMP_WORDS="$line" COMP_CWORD=$cword _ACTCLI_COMPLETE=complete_bash $1 ) )
    local prefix="${cur%"${cur##*[$COMP_WORDBREAKS]}"}"
    [[ -n "$prefix" ]] && COMPREPLY=( "${COMPREPLY[@]#"$prefix"}" )
    return 0
}

complete -o default -F _actcli_completion actcli
"""


def complete_function(incomplete: str) -> list[str]:
    """Names and aliases that start with what was typed; after 'name:', that function's
    parameters ('leaky_relu:alpha=')."""
    from actcli.core.registry import declaration, declarations

    typed = incomplete.lower().replace("-", "_")
    name, colon, rest = incomplete.partition(":")
    if colon:
        try:
            decl = declaration(name)
        except KeyError:
            return []
        done, _, last = rest.rpartition(",")
        prefix = f"{name}:{done + ',' if done else ''}"
        given = {item.partition("=")[0] for item in done.split(",") if item}
        return [f"{prefix}{p}=" for p in decl.params if p.startswith(last) and p not in given]
    return [n for d in declarations() for n in d.all_names if n.startswith(typed)]


def write_all(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for shell, filename in SHELLS.items():
        path = folder / filename
        path.write_text(script(shell))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m actcli.completions", description=__doc__.splitlines()[0])
    ap.add_argument("--shell", choices=sorted(SHELLS), help="print this shell's script instead of writing them all")
    args = ap.parse_args(argv)
    if args.shell:
        sys.stdout.write(script(args.shell))
    else:
        for path in write_all():
            print(f"wrote {path}")


if __name__ == "__main__":
    main()

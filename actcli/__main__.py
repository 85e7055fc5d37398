"""`python -m actcli`: the same as the `actcli` command."""

from actcli.cli import main

if __name__ == "__main__":
    main()

import type { ProjectTemplate } from '../project-template.ts';

// The package directory is a fixed name: a description's words become the project's
// title and README, never a Python identifier that must be valid.
const core = `"""The command's logic, kept apart from argument parsing so it can be tested."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    """One line of input: a name and a number."""

    name: str
    value: float


def parse_line(line: str) -> Reading | None:
    """Reads "name,value"; blank lines and lines starting with # are skipped (None)."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    name, sep, value = text.partition(",")
    if not sep or not name.strip():
        raise ValueError(f"expected 'name,value', got {text!r}")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"not a number: {value.strip()!r}") from None
    return Reading(name.strip(), number)


def summarize(readings: list[Reading]) -> dict[str, float]:
    """Count, minimum, maximum and mean of the values; zeros when there are none."""
    if not readings:
        return {"count": 0, "min": 0.0, "max": 0.0, "mean": 0.0}
    values = [reading.value for reading in readings]
    return {
        "count": len(values),
        "min": min(values),
        "max": max(values),
        "mean": round(sum(values) / len(values), 2),
    }
`;

const cli = `"""Command-line entry point: python -m app [FILE] (reads standard input without a file)."""

from __future__ import annotations

import argparse
import sys

from app.core import parse_line, summarize


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="app", description="Summarizes name,value lines.")
    parser.add_argument("file", nargs="?", help="a file of name,value lines (default: standard input)")
    args = parser.parse_args(argv)
    stream = open(args.file, encoding="utf-8") if args.file else sys.stdin
    try:
        readings = [reading for line in stream if (reading := parse_line(line)) is not None]
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        if stream is not sys.stdin:
            stream.close()
    for key, value in summarize(readings).items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
`;

const tests = `import pytest

from app.core import Reading, parse_line, summarize


def test_parse_line_reads_name_and_value():
    assert parse_line(" oslo, 4.5 ") == Reading("oslo", 4.5)


def test_parse_line_skips_blank_lines_and_comments():
    assert parse_line("   ") is None
    assert parse_line("# a comment") is None


def test_parse_line_names_what_is_wrong():
    with pytest.raises(ValueError, match="not a number"):
        parse_line("oslo,warm")


def test_summarize_counts_and_averages():
    result = summarize([Reading("a", 1.0), Reading("b", 4.0)])
    assert result == {"count": 2, "min": 1.0, "max": 4.0, "mean": 2.5}


def test_summarize_nothing_is_zeros():
    assert summarize([])["count"] == 0
`;

/** A Python command-line tool (standard library only) with pytest tests for its logic. */
export const pythonCli: ProjectTemplate = {
  id: 'python-cli',
  title: 'Python command-line tool',
  language: 'python',
  keywords: ['cli', 'command', 'terminal', 'console', 'script', 'tool', 'shell', 'argparse'],
  stack: ['Python 3', 'argparse', 'pytest'],
  languages: ['python'],
  files: (name) => [
    { path: 'app/__init__.py', language: 'python', content: `"""${name}."""\n` },
    { path: 'app/core.py', language: 'python', content: core },
    { path: 'app/__main__.py', language: 'python', content: cli },
    { path: 'tests/__init__.py', language: 'python', content: '' },
    { path: 'tests/test_core.py', language: 'python', content: tests },
    {
      path: 'pyproject.toml',
      language: 'toml',
      content: `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n\n[project.scripts]\n${name} = "app.__main__:main"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n`,
    },
    {
      path: 'README.md',
      language: 'markdown',
      content: `# ${name}\n\nA command-line tool that reads \`name,value\` lines and prints their count, minimum, maximum and mean.\n\n- \`python -m app data.csv\` — summarize a file (or pipe lines into \`python -m app\`)\n- \`python -m pytest\` — run the tests\n\nBuilt by Orchestra's Template provider (no AI): a starting point to shape into what you described.\n`,
    },
  ],
};

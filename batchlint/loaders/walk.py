"""``batchlint scan DIR``: the files a directory holds, as SPEC.md describes.

The walk reads ``*.json``, ``*.yaml``, ``*.yml`` and ``*.template`` files and notes
whether there are ``.tf`` files (the Terraform source loader reads the directory's
modules itself). It skips ``.git``, ``.terraform``, ``node_modules`` and what the
``.gitignore`` files on the way ignore, and counts what it skipped, so the scan can
say so in one line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

SKIPPED_DIRS = frozenset({".git", ".terraform", "node_modules"})
READ_SUFFIXES = (".json", ".yaml", ".yml", ".template")


@dataclass
class Walk:
    root: str
    files: list[str] = field(default_factory=list)  # to read, in order
    terraform: bool = False  # holds .tf files (read by the Terraform source loader)
    terraform_dirs: list[str] = field(default_factory=list)  # the folders with .tf files
    ignored_terraform: list[str] = field(default_factory=list)  # .tf files .gitignore ignores
    other_files: int = 0  # neither read nor Terraform
    ignored: int = 0  # files and folders .gitignore ignores
    skipped_dirs: list[str] = field(default_factory=list)  # .git, .terraform, node_modules

    def summary(self, not_batch: int, unreadable: int) -> str | None:
        """One line on what was skipped, or None when nothing was."""
        parts = []
        if not_batch:
            parts.append(f"{_count(not_batch, 'file')} not AWS Batch configuration")
        if unreadable:
            parts.append(f"{_count(unreadable, 'file')} not readable (noted above)")
        if self.other_files:
            parts.append(f"{_count(self.other_files, 'other file')}")
        if self.ignored:
            parts.append(f"{self.ignored} ignored by .gitignore")
        if self.skipped_dirs:
            names = sorted(set(self.skipped_dirs))
            parts.append(f"{_count(len(self.skipped_dirs), 'folder')} ({', '.join(names)})")
        return f"skipped in {self.root}: {', '.join(parts)}" if parts else None


def _count(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def walk(root: str) -> Walk:
    found = Walk(root)
    rules: list[tuple[str, list[Pattern]]] = []  # (folder, its .gitignore's patterns)
    for folder, dirs, files in os.walk(root):
        rules = [(base, pats) for base, pats in rules if _inside(folder, base)]
        gitignore = os.path.join(folder, ".gitignore")
        if os.path.isfile(gitignore):
            rules.append((folder, _patterns(gitignore)))
        kept = []
        for name in sorted(dirs):
            path = os.path.join(folder, name)
            if name in SKIPPED_DIRS:
                found.skipped_dirs.append(name)
            elif _ignored(path, True, rules):
                found.ignored += 1
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name == ".gitignore":
                continue
            if _ignored(path, False, rules):
                found.ignored += 1
                if name.endswith((".tf", ".tf.json")):
                    found.ignored_terraform.append(path)
            elif name.lower().endswith(READ_SUFFIXES) and not name.endswith(".tf.json"):
                found.files.append(path)
            elif name.endswith((".tf", ".tfvars", ".tf.json")):
                if not name.endswith(".tfvars") and folder not in found.terraform_dirs[-1:]:
                    found.terraform = True
                    found.terraform_dirs.append(folder)
            else:
                found.other_files += 1
    return found


def _inside(folder: str, base: str) -> bool:
    return folder == base or folder.startswith(base.rstrip(os.sep) + os.sep)


# -- .gitignore ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    negated: bool
    directories_only: bool


def _patterns(path: str) -> list[Pattern]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        directories_only = line.endswith("/")
        line = line.strip("/") if directories_only else line
        anchored = "/" in line.rstrip("/")
        body = _translate(line.lstrip("/"))
        regex = re.compile(("^" if anchored else "^(?:.*/)?") + body + "$")
        out.append(Pattern(regex, negated, directories_only))
    return out


def _translate(glob: str) -> str:
    """A gitignore glob as a regular expression over a ``/``-separated path."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def _ignored(path: str, is_dir: bool, rules: list[tuple[str, list[Pattern]]]) -> bool:
    """The last matching pattern decides (git's order: deeper .gitignore files later)."""
    ignored = False
    for base, patterns in rules:
        relative = os.path.relpath(path, base).replace(os.sep, "/")
        for pattern in patterns:
            if pattern.directories_only and not is_dir:
                continue
            if pattern.regex.match(relative):
                ignored = not pattern.negated
    return ignored

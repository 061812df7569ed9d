"""Folders and manifests -> Stories: the one discovery that batch, index add, query and eval use.

A story is the articles of one news event from several outlets. Every folder that holds
article files directly, and no story folders below it, is one story; a stories.jsonl
manifest can name them instead. Files that belong to no story are returned as problems,
never dropped: every file under a root is accounted for.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.ingest import META_SUFFIX, SUPPORTED, sidecar_of, walk_folders
from claimcheck.types import Problem

MANIFEST = "stories.jsonl"
# output names of a batch run itself; a story with one of these names gets a suffix
RESERVED = {"index", "run", "conflicts"}
SLUG_LENGTH = 120


@dataclass(frozen=True, slots=True)
class Story:
    name: str  # folder path under the root ("desk/story") or the manifest's name
    slug: str  # file name stem of its reports
    files: tuple[Path, ...]  # every file given for the story, articles or not (sidecars aside)
    folder: Path | None = None  # the folder it was found as, if it is one

    @property
    def sidecars(self) -> tuple[Path, ...]:
        return tuple(s for f in self.files if (s := sidecar_of(f)) is not None)


def discover_stories(root: Path, exclude: Path | None = None) -> tuple[list[Story], list[Problem]]:
    """The stories under `root` (a folder, or a stories.jsonl manifest, or a folder holding
    ours), and a problem for each file that is in none. `exclude` is left out of the walk
    (a batch's output folder inside its root)."""
    if not root.exists():
        raise InputError(f"{root}: no such folder; give the folder that holds the story folders")
    if root.is_file():
        return _manifest_stories(root, exclude)
    manifest = root / MANIFEST
    if manifest.is_file() and _is_manifest(manifest):
        return _manifest_stories(manifest, exclude)
    unassigned: list[Problem] = []
    folders = dict(walk_folders(root, exclude, unassigned))
    holding = {f for f, files in folders.items() if any(_is_article(x) for x in files)}
    # a folder with story folders below it is a desk, not a story: its own files are loose
    desks = {parent for f in holding for parent in f.parents if parent in holding}
    stories: list[tuple[str, tuple[Path, ...], Path | None]] = []
    for folder, files in folders.items():
        if folder in holding and folder not in desks:
            name = folder.relative_to(root).as_posix() if folder != root else root.resolve().name
            stories.append((name, tuple(f for f in files if not f.name.endswith(META_SUFFIX)), folder))
            continue
        why = (
            "lies beside story folders, so it is in no story; move it into its story's folder"
            if folder in desks
            else "lies in a folder with no article files, so it is in no story; "
            "move it into a story folder or convert it to .txt/.html/.md/.json"
        )
        if folder == root and manifest.is_file():
            unassigned.append(
                Problem(
                    MANIFEST,
                    'is not a claimcheck manifest (its lines lack "story" and "paths"), so the story '
                    "folders were used instead",
                    skipped=False,
                )
            )
        unassigned += [Problem(f.relative_to(root).as_posix(), why) for f in files if f != manifest]
    return _with_slugs(stories), unassigned


def stories_in(paths: Sequence[str | Path], name: str | None = None) -> tuple[list[Story], list[Problem]]:
    """The stories of `index add` and `query`: each folder given is searched for stories as a
    batch root is, and loose files make one story together. With `name`, everything given is
    that one story."""
    stories: list[Story] = []
    problems: list[Problem] = []
    loose: list[Path] = []
    for p in paths:
        path = Path(p)
        if not path.exists() and not path.is_symlink():
            raise InputError(f"{path}: no such file or folder")
        if not path.is_dir():
            loose.append(path)
            continue
        found, unassigned = discover_stories(path)
        if not found:  # nothing readable: one story, so its files are reported rather than lost
            found = [Story(path.resolve().name, "", tuple(f for _, fs in walk_folders(path) for f in fs), path)]
        stories += found
        problems += [
            Problem(str(path / u.path), u.message + "; or add it on its own with --story NAME") for u in unassigned
        ]
    if loose:
        stories.append(Story(story_name(loose), "", tuple(loose)))
    if name is not None:
        files = tuple(f for s in stories for f in s.files)
        folder = stories[0].folder if len(stories) == 1 else None
        return _with_slugs([(name, files, folder)]), problems
    seen: dict[str, Story] = {}
    for story in stories:
        if story.name in seen:
            first, again = seen[story.name], story
            raise InputError(
                f"two stories would be called '{story.name}' ({_where(first)} and {_where(again)}); "
                "add them one at a time with --story NAME"
            )
        seen[story.name] = story
    return _with_slugs([(s.name, s.files, s.folder) for s in stories]), problems


def _where(story: Story) -> str:
    return str(story.folder) if story.folder is not None else ", ".join(map(str, story.files[:2]))


def story_name(paths: Sequence[str | Path]) -> str:
    """The folder scanned, or the folder the files share."""
    resolved = [Path(os.path.abspath(p)) for p in paths if str(p) != "-"]
    if not resolved:
        return "stdin"
    if len(resolved) == 1 and resolved[0].is_dir():
        return Path(os.path.realpath(resolved[0])).name
    return Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved])).name


def _is_article(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.endswith(META_SUFFIX)


def _is_manifest(path: Path) -> bool:
    """A stories.jsonl of ours, rather than another tool's file of the same name."""
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:  # any line of ours will do: the bad ones are reported, not the whole file dropped
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and "story" in entry and "paths" in entry:
                return True
    return False


def _manifest_stories(manifest: Path, exclude: Path | None) -> tuple[list[Story], list[Problem]]:
    base = manifest.parent
    stories: list[tuple[str, tuple[Path, ...], Path | None]] = []
    problems: list[Problem] = []
    named: set[str] = set()
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{manifest.name} line {number}"
        try:
            entry = json.loads(line)
            name, paths = str(entry["story"]), entry["paths"]
            if not isinstance(paths, list) or not paths:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            problems.append(
                Problem(where, 'is not {"story": NAME, "paths": [FILE OR FOLDER, ...]}; that line is not run')
            )
            continue
        files: list[Path] = []
        for raw in paths:
            path = base / raw
            if path.is_dir():
                inside: list[Problem] = []
                files += [
                    f for _, fs in walk_folders(path, exclude, inside) for f in fs if not f.name.endswith(META_SUFFIX)
                ]
                # named from the manifest's folder, as the walk of that folder names them
                problems += [replace(u, path=_from(base, path / u.path)) for u in inside]
            elif path.is_file() or path.is_symlink():  # a broken link is read, and reported, as a file
                files.append(path)
            else:
                problems.append(Problem(f"{where}: {raw}", "no such file or folder; fix the path in the manifest"))
        named.update(os.path.realpath(f) for f in files)
        stories.append((name, tuple(files), None))
    unreadable: list[Problem] = []
    for _, files in walk_folders(base, exclude, unreadable):
        problems += [
            Problem(f.relative_to(base).as_posix(), f"is named by no story in {manifest.name}; it was not checked")
            for f in files
            if os.path.realpath(f) not in named and f != manifest and not f.name.endswith(META_SUFFIX)
        ]
    problems += [u for u in unreadable if u not in problems]  # those in a folder the manifest names are said
    names = [n for n, _, _ in stories]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise InputError(f"{manifest}: story names must be unique; repeated: {', '.join(dupes)}")
    return _with_slugs(stories), problems


def _from(base: Path, path: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:  # a manifest may name folders outside its own
        return path.as_posix()


def _with_slugs(stories: Sequence[tuple[str, tuple[Path, ...], Path | None]]) -> list[Story]:
    taken: set[str] = set()
    out = []
    for name, files, folder in stories:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", name.replace("/", "__")).strip("._") or "story"
        if len(base) > SLUG_LENGTH:
            # a file name has 255 bytes at most, and reports add ".html", "decisions-", a temp
            # suffix: a long name is cut, and the cut kept apart from others by its hash
            digest = hashlib.sha1(name.encode()).hexdigest()[:10]
            base = f"{base[: SLUG_LENGTH - 11]}-{digest}"
        slug = base + "_" if base.lower() in RESERVED else base
        n = 1
        while slug.lower() in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug.lower())
        out.append(Story(name, slug, files, folder))
    return out

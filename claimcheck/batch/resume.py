"""--resume: a story whose files, sidecars, review decisions and settings are unchanged since
the last run into the same folder, and whose reports are still there, is not checked again."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from importlib import metadata
from pathlib import Path

from claimcheck.batch.contract import FileAccount, StoryResult
from claimcheck.config import CheckConfig
from claimcheck.conflicts.severity import load_model
from claimcheck.pipeline import STORY_FORMATS
from claimcheck.stories import Story
from claimcheck.types import Problem

log = logging.getLogger(__name__)


def settings_key(config: CheckConfig) -> str:
    """What, besides the inputs, decides a story's report: the settings and the code."""
    settings = {k: v for k, v in dataclasses.asdict(config).items() if k != "cache_dir"}
    # the severity model grades every card: a refitted file at the same path is another setting
    model = json.dumps(load_model(config.severity_model).as_dict(), sort_keys=True)
    settings["severity_model"] = hashlib.sha256(model.encode()).hexdigest()
    return json.dumps({"claimcheck": package_version("claimcheck"), **settings}, sort_keys=True, default=str)


def fingerprint(story: Story, settings: str, decisions: Path | None) -> str:
    digest = hashlib.sha256(settings.encode())
    extras = [decisions] if decisions is not None and decisions.is_file() else []
    for f in [*story.files, *story.sidecars, *extras]:
        digest.update(f.name.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(f.read_bytes()).digest())
        except OSError as exc:  # unreadable now: the run reports it; the key just must differ
            digest.update(str(exc).encode())
    return digest.hexdigest()


def decisions_for(story: Story, folder: Path | None) -> Path | None:
    """A story's decisions file in --decisions DIR: the report page saves decisions-<story>.json."""
    if folder is None:
        return None
    for name in (f"decisions-{story.slug}.json", f"{story.slug}.json"):
        if (folder / name).is_file():
            return folder / name
    return None


def outputs_exist(output: Path, slug: str) -> bool:
    return all((output / f"{slug}.{fmt}").is_file() for fmt in STORY_FORMATS)


def previous_results(output: Path) -> dict[str, StoryResult]:
    """Stories done in the last run into this folder, from its run.json."""
    path = output / "run.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s cannot be read (%s); every story is checked again", path, exc)
        return {}
    names = {f.name for f in dataclasses.fields(StoryResult)}
    results = {}
    for entry in data.get("stories", []):
        if entry.get("status") not in ("done", "unchanged"):
            continue
        try:
            fields = {k: v for k, v in entry.items() if k in names}
            fields["files"] = tuple(
                FileAccount(
                    f["path"],
                    f["read"],
                    tuple(Problem(p.get("path", f["path"]), p["message"], p["skipped"]) for p in f["problems"]),
                )
                for f in fields.get("files", ())
            )
            results[entry["name"]] = StoryResult(**fields)
        except (KeyError, TypeError) as exc:  # written by another version: that story is checked again
            log.warning("%s: story %r not understood (%s); it is checked again", path, entry.get("name"), exc)
    return results


def package_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None

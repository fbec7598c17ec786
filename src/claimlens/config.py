"""Paths from one place, and strict YAML config loading into dataclasses.

Every path the project uses by default is derived from PROJECT_ROOT, which is the checkout
(found by walking up from the working directory to the folder holding configs/) or
$CLAIMLENS_ROOT when set.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml


def _find_root() -> Path:
    env = os.environ.get("CLAIMLENS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "configs").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    # Installed package used outside a checkout: fall back to the source tree it came from.
    return Path(__file__).resolve().parents[2]


PROJECT_ROOT = _find_root()
CONFIGS_DIR = PROJECT_ROOT / "configs"
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
ANNOTATIONS_DIR = DATA_DIR / "annotations"
METADATA_DIR = DATA_DIR / "metadata"
PROCESSED_DIR = DATA_DIR / "processed"
FNC1_EVAL_DIR = DATA_DIR / "fnc1_eval"
EXPERIMENTS_DIR = PROJECT_ROOT / "experiments"
MLRUNS_DB = EXPERIMENTS_DIR / "mlflow.db"
MLARTIFACTS_DIR = EXPERIMENTS_DIR / "mlartifacts"
CHECKPOINTS_DIR = EXPERIMENTS_DIR / "checkpoints"
SHARED_DIR = PROJECT_ROOT.parent / "shared"
FNC1_BODIES = SHARED_DIR / "corpora" / "fnc1" / "train_bodies.csv"
RESOURCES_DIR = Path(__file__).resolve().parent / "resources"

REGISTERED_MODEL = "claimlens"
CHAMPION_ALIAS = "champion"


def project_path(p: str | Path | None) -> Path | None:
    """A path from a config: absolute as given, relative to the project root otherwise (None stays None)."""
    if p is None or p == "":
        return None
    path = Path(p)
    return path if path.is_absolute() else PROJECT_ROOT / path


class ConfigError(ValueError):
    """A config file or override is wrong; the message names the key."""


T = TypeVar("T")


def _coerce(value: Any, tp: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(value, arg, key)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0] if errors else f"{key}: bad value {value!r}")
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key}: expected a list, got {type(value).__name__} {value!r}")
        inner = args[0] if args else Any
        return type(value)(_coerce(v, inner, f"{key}[]") for v in value) if origin is list else tuple(
            _coerce(v, inner, f"{key}[]") for v in value
        )
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {type(value).__name__}")
        return dict(value)
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "yes", "no", "1", "0"}:
            return value.lower() in {"true", "yes", "1"}
        raise ConfigError(f"{key}: expected true/false, got {value!r}")
    if tp in (int, float):
        what = "an integer" if tp is int else "a number"
        accepted = (int,) if tp is int else (int, float)
        if not isinstance(value, bool):  # YAML's true/false are ints to Python, never numbers here
            if isinstance(value, accepted):
                return tp(value)
            if isinstance(value, str):
                try:
                    return tp(value)
                except ValueError:
                    pass
        raise ConfigError(f"{key}: expected {what}, got {value!r}")
    if tp is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        raise ConfigError(f"{key}: expected a string, got {value!r}")
    return value


def from_dict(cls: type[T], data: dict[str, Any], where: str = "config") -> T:
    """Build dataclass `cls` from `data`, rejecting unknown keys and wrong types by name."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(fields))}"
        )
    kwargs = {name: _coerce(value, hints[name], f"{where}: {name}") for name, value in data.items()}
    return cls(**kwargs)


def read_yaml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    """`key=value` strings from the command line; values parsed as YAML scalars (1e-4, true, [a, b])."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError(f"override {item!r} is not of the form key=value")
        key, raw = item.split("=", 1)
        out[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
    return out


def load_config(
    cls: type[T],
    path: str | Path,
    experiment: str | Path | None = None,
    overrides: list[str] | None = None,
) -> T:
    """Base YAML, then an experiment YAML (name under configs/experiments or a path), then key=value."""
    data = read_yaml(path)
    where = str(path)
    if experiment:
        exp_path = Path(experiment)
        if not exp_path.suffix:
            exp_path = CONFIGS_DIR / "experiments" / f"{experiment}.yaml"
        data.update(read_yaml(exp_path))
        where = f"{path} + {exp_path}"
    data.update(parse_overrides(overrides))
    return from_dict(cls, data, where)

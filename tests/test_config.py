from dataclasses import dataclass

import pytest

from claimlens.config import ConfigError, from_dict, load_config, parse_overrides


@dataclass
class Demo:
    name: str = "x"
    epochs: float = 1.0
    steps: int = 2
    flag: bool = False
    maybe: int | None = None


def test_unknown_key_is_named():
    with pytest.raises(ConfigError, match="unknown key.*lerning_rate"):
        from_dict(Demo, {"lerning_rate": 1})


def test_wrong_type_is_named():
    with pytest.raises(ConfigError, match="steps: expected an integer"):
        from_dict(Demo, {"steps": "many"})
    with pytest.raises(ConfigError, match="flag: expected true/false"):
        from_dict(Demo, {"flag": "perhaps"})


def test_coercion_and_optional():
    d = from_dict(Demo, {"epochs": 3, "steps": "4", "flag": "true", "maybe": None})
    assert (d.epochs, d.steps, d.flag, d.maybe) == (3.0, 4, True, None)


def test_layering_base_experiment_overrides(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text("name: base\nsteps: 1\n")
    exp = tmp_path / "exp.yaml"
    exp.write_text("steps: 5\n")
    d = load_config(Demo, base, exp, ["name=cli", "epochs=2e-1"])
    assert (d.name, d.steps, d.epochs) == ("cli", 5, 0.2)


def test_bad_override_form():
    with pytest.raises(ConfigError, match="key=value"):
        parse_overrides(["epochs"])


def test_shipped_configs_are_valid():
    from claimlens.config import CONFIGS_DIR
    from claimlens.dataset import DataConfig
    from claimlens.modeling.baseline import BaselineConfig
    from claimlens.modeling.train import TrainConfig

    load_config(DataConfig, CONFIGS_DIR / "data.yaml")
    load_config(BaselineConfig, CONFIGS_DIR / "baseline.yaml")
    for exp in sorted((CONFIGS_DIR / "experiments").glob("*.yaml")):
        load_config(TrainConfig, CONFIGS_DIR / "train.yaml", exp)

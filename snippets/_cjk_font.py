"""Pick a font that can draw Chinese labels in matplotlib plots.

Order: a CJK font installed on the system (Noto Sans CJK, Source Han Sans,
WenQuanYi, PingFang, Microsoft YaHei, SimHei), else the Noto Sans CJK file that the
PyPI package ``cvttf-NotoSansCJK-Regular`` ships.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SYSTEM_FAMILIES = [
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
]
PACKAGED_FONT = "cvttf_NotoSansCJK_Regular"


def packaged_font() -> Path | None:
    """The font file of the PyPI package cvttf-NotoSansCJK-Regular, if installed."""
    spec = importlib.util.find_spec(PACKAGED_FONT)
    if spec is None or not spec.submodule_search_locations:
        return None
    return next(Path(spec.submodule_search_locations[0]).glob("*.otf"), None)


def use_cjk_font() -> str:
    """Make matplotlib draw CJK text; returns the chosen family name.

    Raises RuntimeError when no CJK font can be found at all.
    """
    try:
        import matplotlib
        from matplotlib import font_manager
    except ModuleNotFoundError as err:
        raise ModuleNotFoundError("plots need matplotlib: pip install matplotlib",
                                  name="matplotlib") from err
    installed = {f.name for f in font_manager.fontManager.ttflist}
    family = next((name for name in SYSTEM_FAMILIES if name in installed), None)
    if family is None:
        path = packaged_font()
        if path is None:
            raise RuntimeError(
                "no CJK font found: install one (e.g. Debian fonts-noto-cjk) or "
                "`pip install cvttf-NotoSansCJK-Regular`"
            )
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family

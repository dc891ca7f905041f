#!/usr/bin/env python3
"""Build test images and deliver them: push to a registry (HTTP API v2, Basic or Bearer auth), or write an OCI
layout directory, an OCI archive or a docker-save tarball.

    mkimage.py push REGISTRY REPO:TAG PRESET [--user U --password P] [--canary PATH]
    mkimage.py layout DIR NAME PRESET [--canary PATH]        (OCI image layout directory)
    mkimage.py oci-archive FILE NAME PRESET                  (the same, as a tar)
    mkimage.py docker-archive FILE NAME PRESET               (docker save format)
    mkimage.py presets

Standard library only (tarfile, gzip, urllib); zstd layers use the zstd program.
"""

import base64
import gzip
import hashlib
import io
import json
import os
import random
import re
import ssl
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {
    "none": "application/vnd.oci.image.layer.v1.tar",
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
}
MT_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MT_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
MT_DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"

MTIME = 1700000000


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------------------- layers
class Layer:
    """A layer as a list of tar members; built deterministically."""

    def __init__(self, compression="gzip"):
        self.compression = compression
        self.members = []

    def _add(self, name, type_, data=b"", mode=0o644, uid=0, gid=0, linkname="", xattrs=None, dev=(0, 0)):
        ti = tarfile.TarInfo(name)
        ti.type = type_
        ti.mode = mode
        ti.uid, ti.gid = uid, gid
        ti.mtime = MTIME
        ti.linkname = linkname
        ti.size = len(data) if type_ == tarfile.REGTYPE else 0
        ti.devmajor, ti.devminor = dev
        if xattrs:
            ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in xattrs.items()}
        self.members.append((ti, data))
        return self

    def dir(self, name, mode=0o755, **kw):
        return self._add(name.rstrip("/") + "/", tarfile.DIRTYPE, mode=mode, **kw)

    def file(self, name, data=b"", mode=0o644, **kw):
        if isinstance(data, str):
            data = data.encode()
        return self._add(name, tarfile.REGTYPE, data, mode=mode, **kw)

    def symlink(self, name, target, **kw):
        return self._add(name, tarfile.SYMTYPE, linkname=target, mode=0o777, **kw)

    def hardlink(self, name, target, **kw):
        return self._add(name, tarfile.LNKTYPE, linkname=target, **kw)

    def chardev(self, name, major, minor):
        return self._add(name, tarfile.CHRTYPE, mode=0o666, dev=(major, minor))

    def fifo(self, name):
        return self._add(name, tarfile.FIFOTYPE, mode=0o644)

    def whiteout(self, path):
        d, b = os.path.split(path)
        return self.file(os.path.join(d, ".wh." + b))

    def opaque(self, dirpath):
        return self.file(os.path.join(dirpath, ".wh..wh..opq"))

    def tar(self):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for ti, data in self.members:
                tf.addfile(ti, io.BytesIO(data) if ti.type == tarfile.REGTYPE else None)
        return buf.getvalue()

    def blob(self):
        """(compressed bytes, media type, diff_id)"""
        raw = self.tar()
        if self.compression == "gzip":
            blob = gzip.compress(raw, compresslevel=1, mtime=0)
        elif self.compression == "zstd":
            blob = subprocess.run(["zstd", "-q", "-c", "-3"], input=raw, stdout=subprocess.PIPE, check=True).stdout
        else:
            blob = raw
        return blob, MT_LAYER[self.compression], sha256(raw)


class Image:
    def __init__(self, layers, config=None, arch="amd64", os_="linux", variant=None):
        self.layers = layers
        self.config = config or {}
        self.arch, self.os, self.variant = arch, os_, variant

    def build(self, docker=False):
        """Returns (manifest bytes, manifest media type, {digest: bytes}, config bytes, [raw layer tars])."""
        blobs = {}
        descs, diff_ids = [], []
        for layer in self.layers:
            blob, mt, diff_id = layer.blob()
            if docker:
                mt = MT_DOCKER_LAYER
            d = sha256(blob)
            blobs[d] = blob
            descs.append({"mediaType": mt, "digest": d, "size": len(blob)})
            diff_ids.append(diff_id)
        cfg = {
            "created": "2024-01-02T03:04:05Z",
            "architecture": self.arch,
            "os": self.os,
            "config": self.config,
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [{"created": "2024-01-02T03:04:05Z", "created_by": "mkimage.py"} for _ in self.layers],
        }
        if self.variant:
            cfg["variant"] = self.variant
        cfg_bytes = json.dumps(cfg, sort_keys=True).encode()
        blobs[sha256(cfg_bytes)] = cfg_bytes
        manifest = {
            "schemaVersion": 2,
            "mediaType": MT_DOCKER_MANIFEST if docker else MT_MANIFEST,
            "config": {"mediaType": MT_DOCKER_CONFIG if docker else MT_CONFIG, "digest": sha256(cfg_bytes),
                       "size": len(cfg_bytes)},
            "layers": descs,
        }
        mbytes = json.dumps(manifest, indent=2).encode()
        return mbytes, manifest["mediaType"], blobs, cfg_bytes

    def platform(self):
        p = {"architecture": self.arch, "os": self.os}
        if self.variant:
            p["variant"] = self.variant
        return p


# --------------------------------------------------------------------------------------------------------- presets
def preset_layered(args):
    l1 = (Layer("gzip")
          .dir("etc").file("etc/hostname", "base\n")
          .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n")
          .file("etc/group", "root:x:0:\napp:x:1000:\nextra:x:2000:app\n")
          .dir("bin").file("bin/sh", "#!fake shell\n", mode=0o755)
          .dir("usr").dir("usr/lib").file("usr/lib/libfoo.so.1", "lib")
          .symlink("usr/lib/libfoo.so", "libfoo.so.1")
          .dir("data").file("data/old1", "1").file("data/old2", "2").dir("data/sub").file("data/sub/deep", "d")
          .file("rm-me", "gone soon")
          .dir("rm-dir").file("rm-dir/x", "x")
          .dir("opq").file("opq/a", "a").dir("opq/sub").file("opq/sub/b", "b")
          .dir("hard").file("hard/orig", "same inode").hardlink("hard/link", "hard/orig")
          .file("suid", "s", mode=0o4755)
          .file("owned", "o", uid=1000, gid=1000)
          .file("xattr", "x", xattrs={"user.vxn": "yes"})
          .dir("ro", mode=0o555).file("ro/file", "r", mode=0o444)
          .fifo("fifo")
          .dir("home").dir("home/app", uid=1000, gid=1000))
    l2 = (Layer("zstd")
          .file("etc/hostname", "layer2\n")
          .whiteout("rm-me")
          .whiteout("rm-dir")
          .dir("opq").opaque("opq").file("opq/new", "new")
          .whiteout("data/old1")
          .file("ro/added", "added later into a read-only dir"))
    l3 = (Layer("none")
          .dir("rm-dir").file("rm-dir/y", "y")
          .file("data/sub", "a file where a directory was")
          .file("usr/lib/libfoo.so", "a file where a symlink was")
          .symlink("etc/hostname", "/proc/sys/kernel/hostname")
          .dir("data/newdir").file("data/newdir/f", "f"))
    cfg = {
        "Entrypoint": ["/bin/sh", "-c"],
        "Cmd": ["echo hello"],
        "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "FOO=bar"],
        "WorkingDir": "/data",
        "User": "app",
        "ExposedPorts": {"80/tcp": {}, "53/udp": {}},
        "Volumes": {"/data": {}, "/var/log": {}},
        "StopSignal": "SIGQUIT",
        "Labels": {"org.example": "yes"},
    }
    return Image([l1, l2, l3], cfg)


def preset_small(args):
    return Image([Layer("gzip").dir("etc").file("etc/os-release", "ID=vxn-test\n").file("hello", "hello\n")],
                 {"Cmd": ["/hello"], "Env": ["A=1"]})


def preset_multiarch(args):
    imgs = []
    for arch, variant in (("amd64", None), ("arm64", "v8"), ("arm", "v7"), ("s390x", None)):
        name = arch + ("/" + variant if variant else "")
        imgs.append(Image([Layer("gzip").file("platform", name + "\n")], {"Cmd": ["/bin/true"]}, arch=arch,
                          variant=variant))
    return imgs


def random_bytes(n, seed):
    return random.Random(seed).randbytes(n)


def preset_big(args):
    # Incompressible data so the transfer takes a while and can be interrupted in the middle.
    mb = int(os.environ.get("MKIMAGE_BIG_MB", "16"))
    return Image([Layer("gzip").file("big1", random_bytes(mb << 20, 1)),
                  Layer("gzip").file("big2", random_bytes(mb << 20, 2))], {"Cmd": ["/bin/true"]})


def preset_bench(args):
    """4 layers, some tens of MB: many small files, a few large ones, compressible and not."""
    mb = int(os.environ.get("MKIMAGE_BENCH_MB", "12"))
    layers = []
    rnd = random.Random(42)
    for i in range(4):
        l = Layer("gzip")
        l.dir(f"layer{i}")
        for d in range(20):
            l.dir(f"layer{i}/d{d}")
            for f in range(50):
                size = rnd.randint(100, 8000)
                l.file(f"layer{i}/d{d}/f{f}", (b"text %d %d %d\n" % (i, d, f)) * (size // 12))
        l.file(f"layer{i}/random.bin", random_bytes(mb << 20, 100 + i))
        l.file(f"layer{i}/zeros.bin", bytes(mb << 20))
        layers.append(l)
    return Image(layers, {"Cmd": ["/bin/true"]})


def canary_paths(args):
    c = os.path.abspath(args.get("canary") or "/tmp/vxn-canary")
    return c, os.path.dirname(c), os.path.basename(c)


HOSTILE = {
    # each: function(canary, canary_dir, canary_name) -> list of layers
    "dotdot": lambda c, d, n: [Layer().file("../" + n, "pwned").file("../../" + n, "pwned")],
    "dotdot-inner": lambda c, d, n: [Layer().dir("a").file("a/../../" + n, "pwned")],
    "absolute": lambda c, d, n: [Layer().file(c, "pwned")],
    "symlink": lambda c, d, n: [Layer().symlink("link", d).file("link/" + n, "pwned")],
    "symlink-relative": lambda c, d, n: [Layer().symlink("link", "../../../../../../../../" + d.lstrip("/"))
                                         .file("link/" + n, "pwned")],
    "symlink-layer": lambda c, d, n: [Layer().symlink("link", d), Layer().file("link/" + n, "pwned")],
    "symlink-file": lambda c, d, n: [Layer().symlink("f", c).file("f", "pwned")],
    "hardlink": lambda c, d, n: [Layer().hardlink("evil", c).file("evil", "pwned")],
    "hardlink-dotdot": lambda c, d, n: [Layer().hardlink("evil", "../../" + n).file("evil", "pwned")],
    "hardlink-symlink": lambda c, d, n: [Layer().symlink("s", d).hardlink("evil", "s/" + n).file("evil", "pwned")],
    "device": lambda c, d, n: [Layer().dir("dev").chardev("dev/mem2", 1, 1)],
    "whiteout-escape": lambda c, d, n: [Layer().file("../.wh." + n, "")],
    "whiteout-symlink": lambda c, d, n: [Layer().symlink("link", d), Layer().whiteout("link/" + n)],
}


def preset_hostile(kind, args):
    c, d, n = canary_paths(args)
    return Image(HOSTILE[kind](c, d, n), {"Cmd": ["/bin/true"]})


def build_preset(name, args):
    if name.startswith("hostile-"):
        img = preset_hostile(name[len("hostile-"):], args)
    else:
        img = {"layered": preset_layered, "small": preset_small, "multiarch": preset_multiarch, "big": preset_big,
               "bench": preset_bench}[name](args)
    if "compression" in args:  # e.g. gzip only, for tools that refuse zstd
        for i in img if isinstance(img, list) else [img]:
            for layer in i.layers:
                layer.compression = args["compression"]
    return img


# -------------------------------------------------------------------------------------------------------- registry
class Registry:
    def __init__(self, base, user=None, password=None):
        """BASE: host:port (plain HTTP) or a URL."""
        self.base = base.rstrip("/")
        if not self.base.startswith("http"):
            self.base = "http://" + self.base
        self.user, self.password = user, password
        self.auth = None

    def _basic(self):
        return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()

    def _authenticate(self, challenge):
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "basic":
            self.auth = self._basic()
            return
        kv = dict(re.findall(r'(\w+)="([^"]*)"', params))
        q = {"service": kv.get("service", "")}
        if "scope" in kv:
            q["scope"] = kv["scope"]
        req = urllib.request.Request(kv["realm"] + "?" + urllib.parse.urlencode(q))
        if self.user:
            req.add_header("Authorization", self._basic())
        with urllib.request.urlopen(req, context=ssl._create_unverified_context()) as r:
            body = json.load(r)
        self.auth = "Bearer " + (body.get("token") or body["access_token"])

    def request(self, method, url, data=None, headers=None, retry=True):
        if url.startswith("/"):
            url = self.base + url
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            # Test registries use self-signed certificates.
            with urllib.request.urlopen(req, context=ssl._create_unverified_context()) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            if e.code == 401 and retry:
                self._authenticate(e.headers["WWW-Authenticate"])
                return self.request(method, url, data, headers, retry=False)
            if e.code == 404 and method == "HEAD":
                return 404, {}, b""
            raise RuntimeError(f"{method} {url}: HTTP {e.code}: {e.read()[:300]!r}")

    def push_blob(self, repo, digest, data):
        status, _, _ = self.request("HEAD", f"/v2/{repo}/blobs/{digest}")
        if status == 200:
            return
        _, h, _ = self.request("POST", f"/v2/{repo}/blobs/uploads/", data=b"")
        loc = h["Location"]
        if loc.startswith("/"):
            loc = self.base + loc
        sep = "&" if "?" in loc else "?"
        self.request("PUT", f"{loc}{sep}digest={digest}", data=data,
                     headers={"Content-Type": "application/octet-stream"})

    def push_manifest(self, repo, ref, data, media_type):
        self.request("PUT", f"/v2/{repo}/manifests/{ref}", data=data, headers={"Content-Type": media_type})
        return sha256(data)


def push(reg, repo_tag, image, docker=False):
    repo, _, tag = repo_tag.partition(":")
    tag = tag or "latest"
    if isinstance(image, list):
        entries = []
        for img in image:
            mbytes, mt, blobs, _ = img.build(docker)
            for d, b in blobs.items():
                reg.push_blob(repo, d, b)
            digest = reg.push_manifest(repo, sha256(mbytes), mbytes, mt)
            entries.append({"mediaType": mt, "digest": digest, "size": len(mbytes), "platform": img.platform()})
        idx = json.dumps({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": entries}, indent=2).encode()
        return reg.push_manifest(repo, tag, idx, MT_INDEX)
    mbytes, mt, blobs, _ = image.build(docker)
    for d, b in blobs.items():
        reg.push_blob(repo, d, b)
    return reg.push_manifest(repo, tag, mbytes, mt)


# ------------------------------------------------------------------------------------------------------- archives
def layout_files(name, image):
    """{path: bytes} of an OCI image layout holding IMAGE under ref NAME."""
    files = {"oci-layout": json.dumps({"imageLayoutVersion": "1.0.0"}).encode()}
    images = image if isinstance(image, list) else [image]
    entries = []
    for img in images:
        mbytes, mt, blobs, _ = img.build()
        blobs[sha256(mbytes)] = mbytes
        for d, b in blobs.items():
            files["blobs/sha256/" + d[7:]] = b
        entries.append({"mediaType": mt, "digest": sha256(mbytes), "size": len(mbytes), "platform": img.platform()})
    if isinstance(image, list):
        idx = json.dumps({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": entries}).encode()
        files["blobs/sha256/" + sha256(idx)[7:]] = idx
        top = {"mediaType": MT_INDEX, "digest": sha256(idx), "size": len(idx)}
    else:
        top = entries[0]
    if name:
        top = dict(top, annotations={"org.opencontainers.image.ref.name": name})
    files["index.json"] = json.dumps({"schemaVersion": 2, "manifests": [top]}).encode()
    return files


class Symlink(str):
    """A symlink member of an archive (its target)."""


def write_tar(path, files):
    with tarfile.open(path, "w") as tf:
        for p, data in sorted(files.items()):
            ti = tarfile.TarInfo(p)
            ti.mtime = MTIME
            if isinstance(data, Symlink):
                ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, str(data), 0o777
                tf.addfile(ti)
                continue
            ti.size, ti.mode = len(data), 0o644
            tf.addfile(ti, io.BytesIO(data))


def docker_archive_files(name, image):
    """docker save's (legacy) format: manifest.json, <config>.json, <id>/layer.tar (uncompressed)."""
    files = {}
    _, _, _, cfg = image.build()
    layers = []
    for i, layer in enumerate(image.layers):
        raw = layer.tar()
        lid = hashlib.sha256(raw + bytes([i])).hexdigest()
        if i == len(image.layers) - 1:
            # Old docker versions link a layer saved twice: exercise symlinks inside the archive.
            files["shared/layer.tar"] = raw
            files[f"{lid}/layer.tar"] = Symlink("../shared/layer.tar")
        else:
            files[f"{lid}/layer.tar"] = raw
        files[f"{lid}/VERSION"] = b"1.0"
        layers.append(f"{lid}/layer.tar")
    cfg_name = sha256(cfg)[7:] + ".json"
    files[cfg_name] = cfg
    files["manifest.json"] = json.dumps([{"Config": cfg_name, "RepoTags": [name] if name else None,
                                          "Layers": layers}]).encode()
    return files


# ------------------------------------------------------------------------------------------------------------ main
def main(argv):
    args, pos = {}, []
    i = 0
    while i < len(argv):
        if argv[i].startswith("--"):
            args[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            pos.append(argv[i])
            i += 1
    cmd = pos[0]
    if cmd == "presets":
        print("layered small multiarch big bench " + " ".join("hostile-" + k for k in HOSTILE))
        return 0
    if cmd == "push":
        reg = Registry(pos[1], args.get("user"), args.get("password"))
        digest = push(reg, pos[2], build_preset(pos[3], args), docker=args.get("docker") == "1")
        print(digest)
    elif cmd == "layout":
        for p, data in layout_files(pos[2], build_preset(pos[3], args)).items():
            full = os.path.join(pos[1], p)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
    elif cmd == "oci-archive":
        write_tar(pos[1], layout_files(pos[2], build_preset(pos[3], args)))
    elif cmd == "docker-archive":
        write_tar(pos[1], docker_archive_files(pos[2], build_preset(pos[3], args)))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Build the lab's test image from Debian's busybox-static: an OCI image tarball for `ctr image import`
(and `docker load`), or a runtime bundle directory (rootfs + config.json) for driving vxn-oci-runtime directly.

usage: mkimage.py oci OUT.tar NAME      e.g. docker.io/library/vxn-test:latest
       mkimage.py docker OUT.tar NAME   the `docker save` format, for `docker load` (20.10 reads no OCI tarballs)
       mkimage.py bundle DIR ARG...     config.json runs ARG... (no shell unless you ask for one)
"""
import hashlib, io, json, os, subprocess, sys, tarfile

BUSYBOX = "/bin/busybox"
APPLETS = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True, check=True).stdout.split()


def rootfs_entries():
    """(TarInfo, data) pairs: /bin/busybox plus a symlink per applet, /tmp, /etc/passwd."""
    def d(name, mode=0o755):
        t = tarfile.TarInfo(name); t.type = tarfile.DIRTYPE; t.mode = mode; return t, None
    out = [d("bin"), d("etc"), d("tmp", 0o1777), d("root", 0o700), d("proc"), d("sys"), d("dev")]
    data = open(BUSYBOX, "rb").read()
    t = tarfile.TarInfo("bin/busybox"); t.size = len(data); t.mode = 0o755
    out.append((t, data))
    for a in APPLETS:
        if a == "busybox":
            continue
        t = tarfile.TarInfo("bin/" + a); t.type = tarfile.SYMTYPE; t.linkname = "busybox"
        out.append((t, None))
    pw = b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
    t = tarfile.TarInfo("etc/passwd"); t.size = len(pw); t.mode = 0o644
    out.append((t, pw))
    return out


def layer_tar():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for t, data in rootfs_entries():
            t.mtime = 0
            tf.addfile(t, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def blob(tf, data):
    digest = hashlib.sha256(data).hexdigest()
    t = tarfile.TarInfo("blobs/sha256/" + digest); t.size = len(data)
    tf.addfile(t, io.BytesIO(data))
    return "sha256:" + digest


def image_config(diff_id):
    return json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["/bin/sh"], "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }).encode()


def add_file(tf, name, data):
    t = tarfile.TarInfo(name); t.size = len(data); tf.addfile(t, io.BytesIO(data))


def docker(out, name):
    layer = layer_tar()
    diff = hashlib.sha256(layer).hexdigest()
    config = image_config("sha256:" + diff)
    cfg_name = hashlib.sha256(config).hexdigest() + ".json"
    with tarfile.open(out, "w") as tf:
        add_file(tf, diff + "/layer.tar", layer)
        add_file(tf, cfg_name, config)
        add_file(tf, "manifest.json", json.dumps(
            [{"Config": cfg_name, "RepoTags": [name], "Layers": [diff + "/layer.tar"]}]).encode())


def oci(out, name):
    layer = layer_tar()
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = image_config(diff_id)
    with tarfile.open(out, "w") as tf:
        ld = blob(tf, layer)
        cd = blob(tf, config)
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": len(layer)}],
        }).encode()
        md = blob(tf, manifest)
        index = json.dumps({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": len(manifest),
            "annotations": {"io.containerd.image.name": name,
                            "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}}]}).encode()
        for fname, data in (("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", index)):
            t = tarfile.TarInfo(fname); t.size = len(data); tf.addfile(t, io.BytesIO(data))


def bundle(path, args):
    os.makedirs(os.path.join(path, "rootfs"), exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(layer_tar())) as tf:
        tf.extractall(os.path.join(path, "rootfs"))
    config = {
        "ociVersion": "1.0.2",
        "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": args,
                    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                    "cwd": "/"},
        "root": {"path": "rootfs"},
        "hostname": "vxn-test",
        "annotations": {"org.vxn.test": "1"},
    }
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(config, f)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "oci":
        oci(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "docker":
        docker(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "bundle":
        bundle(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)

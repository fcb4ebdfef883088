#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Container runtimes as CNI clients, for podnet's network tests (sourced
# after lib.sh, inside the test VM only: the clients write /var/lib/cni,
# /etc/cni/net.d and /opt/cni/bin, and containerd and podman want their
# state on a tmpfs, which the VM's /tmp and /run are).
#
#	oci_busybox_image DIR NAME     an OCI image archive of busybox-static
#	cni_setup TYPE SUBNET          /etc/cni/net.d and /opt/cni/bin for TYPE
#	containerd_start DIR           containerd, its state under DIR
#	podman_setup DIR               podman's configuration, under DIR
#	hostlocal_ip VAR ID            the address host-local gave ID
#	node_veths VAR                 the veth devices of this namespace
#	cni_teardown                   what the above set up, undone
#
# Every Go program (containerd, ctr, podman) takes 1-3 s to start in the
# VM, each busybox command a few ms: a test calls the clients few times.

CNI_NET=podnet                              # the network's name
CNI_CONFLIST=/etc/cni/net.d/10-podnet.conflist
CNI_BIN=/opt/cni/bin                        # the only directory ctr looks in
HOSTLOCAL_DIR=/var/lib/cni/networks/$CNI_NET # host-local's default dataDir
CNI_MOUNTS=()
CONTAINERD_PID=

# oci_busybox_image DIR NAME: DIR/image.tar, an OCI image archive (an OCI
# layout: oci-layout, index.json, blobs) holding one image: one
# uncompressed layer with busybox-static and its applets in /usr/bin (/bin
# a link to it), and /start as its command: an HTTP server on port 80
# (busybox httpd, document root /www) until SIGTERM, with
# /www/cgi-bin/who answering "$NAME REMOTE_ADDR" (NAME: set it in the
# container's environment). The image is named NAME for containerd
# (io.containerd.image.name); OCI_IMAGE_ID is its ID (the config's digest,
# which podman takes where a name would go). No registry is involved:
# "ctr images import" and "podman load" read the archive.
OCI_IMAGE_ID=
oci_busybox_image() {
	local dir=$1 name=$2 bb root lay blobs layer lsize cfg cdigest man mdigest
	bb=$(readlink -f /bin/busybox) || return 1
	root=$dir/rootfs
	lay=$dir/oci
	blobs=$lay/blobs/sha256
	mkdir -p "$root"/usr/bin "$root"/{etc,proc,sys,dev,tmp,root,www/cgi-bin} "$blobs" || return 1
	# --install -s links every applet to the running binary's own path
	# ($bb, /usr/bin/busybox): the image has busybox there too.
	cp "$bb" "$root$bb" && "$bb" --install -s "$root/usr/bin" && ln -s usr/bin "$root/bin" ||
		return 1
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	echo "podnet test image" >"$root/www/index.html"
	cat >"$root/start" <<'EOF'
#!/bin/sh
# PID 1 of the test container: httpd on port 80 until SIGTERM (PID 1 has
# no default action for it: the trap is what ends the container).
trap 'exit 0' TERM
httpd -p 80 -h /www || exit 1
sleep 1000000 &
wait
EOF
	cat >"$root/www/cgi-bin/who" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n%s %s\n' "$NAME" "$REMOTE_ADDR"
EOF
	chmod 755 "$root/start" "$root/www/cgi-bin/who" || return 1
	tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$dir/layer.tar" . || return 1
	layer=$(sha256sum "$dir/layer.tar") || return 1
	layer=${layer%% *}
	lsize=$(stat -c %s "$dir/layer.tar") || return 1
	mv "$dir/layer.tar" "$blobs/$layer" || return 1
	printf -v cfg '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin:/bin"],"Cmd":["/start"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$layer"
	cdigest=$(printf '%s' "$cfg" | sha256sum) || return 1
	cdigest=${cdigest%% *}
	printf '%s' "$cfg" >"$blobs/$cdigest"
	printf -v man '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
		"$cdigest" ${#cfg} "$layer" "$lsize"
	mdigest=$(printf '%s' "$man" | sha256sum) || return 1
	mdigest=${mdigest%% *}
	printf '%s' "$man" >"$blobs/$mdigest"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$lay/oci-layout"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
		"$mdigest" ${#man} "$name" "${name##*:}" >"$lay/index.json"
	tar -C "$lay" -cf "$dir/image.tar" oci-layout index.json blobs || return 1
	# shellcheck disable=SC2034 # for the tests
	OCI_IMAGE_ID=$cdigest
}

# cni_setup TYPE SUBNET: the network "podnet" in /etc/cni/net.d (a tmpfs
# there hides any other conflist: ctr takes the first one) with the
# plugin TYPE, host-local IPAM on SUBNET (a default route via its first
# address) and portmap: for TYPE podnet, the README's 10-podnet.conflist
# as it is written there; /opt/cni/bin (a tmpfs) with the reference
# plugins of /usr/lib/cni and, for TYPE podnet, ours
# ($PODNET_REPO/tools/cni/podnet), whose config names the podnet device
# pn0. TYPE bridge is the reference bridge plugin on cni0.
cni_setup() {
	local type=$1 subnet=$2 plugin d
	case "$type" in
	podnet) plugin='"type":"podnet","device":"pn0"' ;;
	bridge) plugin='"type":"bridge","bridge":"cni0","isGateway":true' ;;
	*) echo "cni_setup: unknown plugin type '$type'"; return 1 ;;
	esac
	for d in /etc/cni/net.d "$CNI_BIN"; do
		mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d" || return 1
		CNI_MOUNTS+=("$d")
	done
	ln -s /usr/lib/cni/* "$CNI_BIN/" || return 1
	if [ "$type" = podnet ]; then
		cp "$PODNET_REPO/tools/cni/podnet" "$CNI_BIN/podnet" || return 1
	fi
	rm -rf /var/lib/cni
	if [ "$type" = podnet ]; then
		# The README's, as an operator copies it.
		awk '/^<!-- 10-podnet.conflist/ { on = 1; next }
		     on && /^```json/ { next }
		     on && /^```/ { exit }
		     on' "$PODNET_REPO/README.md" >"$CNI_CONFLIST" || return 1
		[[ "$(<"$CNI_CONFLIST")" == *"\"subnet\": \"$subnet\""* ]] ||
			{ echo "README.md: no 10-podnet.conflist for $subnet"; cat "$CNI_CONFLIST"; return 1; }
		return 0
	fi
	cat >"$CNI_CONFLIST" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NET",
  "plugins": [
    {
      $plugin,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$subnet"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

# while_alive PID CMD...: run CMD every 0.1 s until it succeeds (0), or
# PID has exited or 30 s have passed (1).
while_alive() {
	local pid=$1 i
	shift
	for ((i = 0; i < 300; i++)); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		pnt sleep 100 >/dev/null
	done
	return 1
}

# containerd_start DIR: containerd (no CRI plugin) with its root, state
# and socket under DIR (a tmpfs: overlayfs snapshots cannot sit on the
# VM's overlay root); CONTAINERD_ADDRESS exported for ctr. Waits for the
# socket (30 s).
containerd_start() {
	local dir=$1
	mkdir -p "$dir" || return 1
	[ -e /sys/fs/cgroup/cgroup.controllers ] || mount -t cgroup2 cgroup2 /sys/fs/cgroup || return 1
	cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$dir/containerd.sock"
EOF
	export CONTAINERD_ADDRESS=$dir/containerd.sock CONTAINERD_NAMESPACE=default
	containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
	CONTAINERD_PID=$!
	while_alive "$CONTAINERD_PID" test -S "$CONTAINERD_ADDRESS" && return 0
	echo "containerd did not come up; its log:"
	cat "$dir/containerd.log"
	return 1
}

# containerd_stop: ends containerd (and whatever containers are left).
containerd_stop() {
	local id ids
	[ -n "$CONTAINERD_PID" ] || return 0
	ids=$(ctr containers ls -q 2>/dev/null)
	for id in $ids; do
		ctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1
		ctr tasks delete -f "$id" >/dev/null 2>&1
		ctr containers delete "$id" >/dev/null 2>&1
	done
	kill "$CONTAINERD_PID" 2>/dev/null
	wait "$CONTAINERD_PID" 2>/dev/null
	CONTAINERD_PID=
}

# podman_setup DIR: podman as root on its CNI backend (network_config_dir
# /etc/cni/net.d, plugins from /opt/cni/bin), cgroupfs, runc, vfs
# storage, events in a file, everything under DIR: configuration files
# there named by CONTAINERS_CONF and CONTAINERS_STORAGE_CONF (exported).
podman_setup() {
	local dir=$1
	mkdir -p "$dir" || return 1
	cat >"$dir/containers.conf" <<EOF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
runtime = "runc"
tmp_dir = "$dir/tmp"
[network]
network_backend = "cni"
network_config_dir = "/etc/cni/net.d"
cni_plugin_dirs = ["$CNI_BIN"]
EOF
	cat >"$dir/storage.conf" <<EOF
[storage]
driver = "vfs"
runroot = "$dir/run"
graphroot = "$dir/storage"
EOF
	export CONTAINERS_CONF=$dir/containers.conf CONTAINERS_STORAGE_CONF=$dir/storage.conf
	PODMAN_DIR=$dir
}

# podman_teardown: every podman container removed.
PODMAN_DIR=
podman_teardown() {
	[ -n "$PODMAN_DIR" ] || return 0
	podman rm -a -f -t 0 >/dev/null 2>&1
	PODMAN_DIR=
}

# hostlocal_ip VAR ID: VAR set to the address host-local allocated to
# container ID (its files: the address as the name, "ID\r\nIFNAME" in
# it); fails if there is none. No process.
hostlocal_ip() {
	local -n hl_var=$1
	local f id
	hl_var=
	for f in "$HOSTLOCAL_DIR"/*; do
		[[ "${f##*/}" == [0-9]*.*.*.* ]] || continue
		read -r id <"$f" || [ -n "$id" ] || continue
		# shellcheck disable=SC2034 # a nameref
		[ "${id%$'\r'}" = "$2" ] && { hl_var=${f##*/}; return 0; }
	done
	return 1
}

# hostlocal_ips VAR: VAR (an array) set to every address host-local has
# allocated.
hostlocal_ips() {
	local -n hl_arr=$1
	local f
	hl_arr=()
	for f in "$HOSTLOCAL_DIR"/*; do
		[[ "${f##*/}" == [0-9]*.*.*.* ]] && hl_arr+=("${f##*/}")
	done
	return 0
}

# node_veths VAR: VAR (an array) set to the names of the veth devices of
# the current namespace (the node ends of the pods' pairs). One "ip" run.
node_veths() {
	local -n nv_arr=$1
	local out line
	nv_arr=()
	out=$(ip -o link show type veth) || return 1
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		line=${line#*: }
		nv_arr+=("${line%%[@:]*}")
	done <<<"$out"
}

# cni_teardown: podman's containers, containerd, the tmpfs mounts.
cni_teardown() {
	local i
	podman_teardown
	containerd_stop
	for ((i = ${#CNI_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${CNI_MOUNTS[i]}" 2>/dev/null
	done
	CNI_MOUNTS=()
}

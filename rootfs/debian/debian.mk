# rootfs/debian/: a Debian bookworm root booted by vigil (included by the top Makefile).
#   make debian-root   the root (mmdebstrap, cached in build/debian/base) with
#                      vigil installed, as an ext4 disk image build/debian/debian.img
#   make boot-debian   boot it in QEMU, console here (root's password: vigil)
#   make bench-debian  the same disk booted with systemd and with vigil, raced
#                      (bench/debian; ROUNDS, default 5)
# The mmdebstrap root is rebuilt only when rootfs/debian/mkroot or
# rootfs/debian/packages change; the image is remade from it (seconds)
# when vigil, rootfs/core/ or the image's files change.

DEBIAN_DIR    := $(BUILD)/debian
DEBIAN_BASE   := $(DEBIAN_DIR)/base/.built
DEBIAN_IMG    := $(DEBIAN_DIR)/debian.img
DEBIAN_KERNEL := $(DEBIAN_DIR)/vmlinuz
# Written, with the reason, when the root cannot be built: the boot test
# qemu-tests/10-debian.t then skips and says why.
DEBIAN_UNAVAILABLE := $(DEBIAN_DIR)/unavailable
DEBIAN_SRC := $(shell find rootfs/core rootfs/debian/skel qemu-tests/guest-debian 2>/dev/null) rootfs/debian/mkimage
# The kernel command line of a vigil boot from the disk: no initramfs.
DEBIAN_CMDLINE := root=/dev/nvme0n1 ro init=/usr/bin/vigil-init
export QEMU_MEM_DEBIAN ?= 512

.PHONY: debian-deps debian-root boot-debian bench-debian debian-check-image

debian-deps:
	@sh .ci/deps debian

$(DEBIAN_BASE): rootfs/debian/mkroot rootfs/debian/packages | debian-deps
	@mkdir -p $(DEBIAN_DIR)
	sh rootfs/debian/mkroot $(DEBIAN_DIR)/base
	touch $@

# The root with vigil: a fresh copy of the base, make install into it, the
# image's files and /etc/rc (rootfs/debian/mkimage), mkfs.ext4 -d.
$(DEBIAN_IMG): $(DEBIAN_BASE) $(static_BINS) $(DEBIAN_SRC)
	rm -rf $(DEBIAN_DIR)/stage
	cp -a $(DEBIAN_DIR)/base $(DEBIAN_DIR)/stage
	rm -f $(DEBIAN_DIR)/stage/.built
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEBIAN_DIR)/stage) PREFIX=/usr >/dev/null
	sh rootfs/debian/mkimage $(DEBIAN_DIR)/stage $@ $(DEBIAN_KERNEL)
	rm -rf $(DEBIAN_DIR)/stage

debian-root: rootfs-deps all $(DEBIAN_IMG)

boot-debian: debian-root
	cp --sparse=always $(DEBIAN_IMG) $(DEBIAN_DIR)/boot.img
	@echo "make boot-debian: the console is this terminal; log in as root, password vigil; Ctrl-A X quits QEMU"
	QEMU_MEM=$(QEMU_MEM_DEBIAN) sh rootfs/qemu interactive $(DEBIAN_KERNEL) - $(DEBIAN_DIR)/boot.img $(DEBIAN_CMDLINE)

bench-debian: debian-root
	DEBIAN_KERNEL=$(CURDIR)/$(DEBIAN_KERNEL) DEBIAN_DISK=$(CURDIR)/$(DEBIAN_IMG) QEMU_MEM=$(QEMU_MEM_DEBIAN) \
	ROUNDS=$(ROUNDS) sh bench/debian

# For make check-boot: the image, or, when the root cannot be built
# (mmdebstrap or its installation failing), the reason in $(DEBIAN_UNAVAILABLE)
# and no image (not one of an older package list).
# A failure of vigil's own part (make install, mkimage) fails the build.
debian-check-image: all
	@mkdir -p $(DEBIAN_DIR)
	@rm -f $(DEBIAN_UNAVAILABLE)
	@if ! $(MAKE) --no-print-directory $(DEBIAN_BASE) > $(DEBIAN_DIR)/base-build.log 2>&1; then \
	  cat $(DEBIAN_DIR)/base-build.log >&2; \
	  why=$$(grep -E '^(E: |debian root: fatal|vigil deps: fatal)' $(DEBIAN_DIR)/base-build.log | head -n 2 | tr '\n' ' '); \
	  echo "the Debian root cannot be built: $${why:-see $(DEBIAN_DIR)/base-build.log}" > $(DEBIAN_UNAVAILABLE); \
	  cat $(DEBIAN_UNAVAILABLE) >&2; \
	  rm -f $(DEBIAN_IMG); \
	else $(MAKE) --no-print-directory $(DEBIAN_IMG); fi

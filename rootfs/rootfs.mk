# rootfs/: the bootable image (included by the top Makefile).
#   make boot         build the image and boot it in QEMU, console here
#   make check-boot   the QEMU boot tests of qemu-tests/ (TAP, prove)
#   make bench-boot   vigil's boot beside busybox init + runit (bench/boot)
#   make boot-png     doc/boot.png: the image's boot as vigil-analyze plot draws it
# Debian's cloud kernel, busybox-static, runit and execline are downloaded
# and unpacked under build/rootfs/dl, never installed.

ROOTFS_DIR := $(BUILD)/rootfs
ROOTFS_DL  := $(ROOTFS_DIR)/dl
VIGIL_BINDIR    ?= $(static_DIR)/bin
EXECLINE_BINDIR ?= $(BUILD)/musl/execline/bin
VIGIL_PROGS ?= vigil-init vigil-scan vigil-supervise vigil-log svc svok svstat svwait \
	vigil-shutdown vigil-populate svactivate svdeactivate vigil-analyze

ROOTFS_SRC := $(shell find rootfs/skel rootfs/peer qemu-tests/guest -type f 2>/dev/null) \
	rootfs/mkinitramfs rootfs/bench-probe rootfs/testinit
ROOTFS_ENV := ROOTFS_DL=$(CURDIR)/$(ROOTFS_DL) VIGIL_BINDIR=$(CURDIR)/$(VIGIL_BINDIR) \
	EXECLINE_BINDIR=$(abspath $(EXECLINE_BINDIR)) VIGIL_PROGS="$(VIGIL_PROGS)" QEMU_TESTS=$(CURDIR)/qemu-tests
KERNEL    := $(ROOTFS_DL)/vmlinuz
INITRAMFS := $(ROOTFS_DIR)/vigil.cpio.gz
DATA_IMG  := $(ROOTFS_DIR)/data.img

.PHONY: boot check-boot bench-boot boot-png rootfs rootfs-deps

rootfs-deps:
	@sh .ci/deps rootfs

$(ROOTFS_DL)/.fetched: rootfs/fetch
	sh rootfs/fetch $(ROOTFS_DL)
	touch $@

$(ROOTFS_DIR)/%.cpio.gz: $(ROOTFS_DL)/.fetched $(ROOTFS_SRC) $(static_BINS)
	$(ROOTFS_ENV) sh rootfs/mkinitramfs $* $(ROOTFS_DIR)/stage-$* $@

# The data disk: ext4 made from a directory, no root, no loop device.
$(DATA_IMG):
	@mkdir -p $(ROOTFS_DIR)/data
	echo "vigil data disk" > $(ROOTFS_DIR)/data/README
	mkfs.ext4 -q -F -L vigil-data -d $(ROOTFS_DIR)/data $@.tmp 32M && mv $@.tmp $@

rootfs: rootfs-deps all $(ROOTFS_DL)/.fetched $(INITRAMFS) $(DATA_IMG)

boot: rootfs
	cp $(DATA_IMG) $(ROOTFS_DIR)/boot-data.img
	@echo "vigil qemu: accelerator $$(sh rootfs/qemu accel $(KERNEL))"
	@echo "make boot: the console is this terminal; Ctrl-A X quits QEMU"
	sh rootfs/qemu interactive $(KERNEL) $(INITRAMFS) $(ROOTFS_DIR)/boot-data.img

check-boot: rootfs test-deps $(ROOTFS_DIR)/vigil-noscan.cpio.gz debian-check-image
	@echo "vigil qemu: accelerator $$(sh rootfs/qemu accel $(KERNEL))"
	VIGIL_DEBIAN_IMG=$(CURDIR)/$(DEBIAN_IMG) VIGIL_DEBIAN_KERNEL=$(CURDIR)/$(DEBIAN_KERNEL) \
	VIGIL_DEBIAN_UNAVAILABLE=$(CURDIR)/$(DEBIAN_UNAVAILABLE) QEMU_MEM_DEBIAN=$(QEMU_MEM_DEBIAN) \
	VIGIL_KERNEL=$(CURDIR)/$(KERNEL) VIGIL_INITRAMFS=$(CURDIR)/$(INITRAMFS) \
	VIGIL_INITRAMFS_NOSCAN=$(CURDIR)/$(ROOTFS_DIR)/vigil-noscan.cpio.gz \
	VIGIL_DATA_IMG=$(CURDIR)/$(DATA_IMG) prove qemu-tests/

# The boot test of vigil-analyze (qemu-tests/14-analyze.t), its PNG kept.
boot-png: rootfs test-deps
	VIGIL_KERNEL=$(CURDIR)/$(KERNEL) VIGIL_INITRAMFS=$(CURDIR)/$(INITRAMFS) VIGIL_DATA_IMG=$(CURDIR)/$(DATA_IMG) \
	VIGIL_ANALYZE_PNG=$(CURDIR)/doc/boot.png prove qemu-tests/14-analyze.t

bench-boot: rootfs $(ROOTFS_DIR)/vigil-bench.cpio.gz $(ROOTFS_DIR)/peer-bench.cpio.gz
	VIGIL_KERNEL=$(CURDIR)/$(KERNEL) VIGIL_DATA_IMG=$(CURDIR)/$(DATA_IMG) \
	VIGIL_BENCH_IMAGE=$(CURDIR)/$(ROOTFS_DIR)/vigil-bench.cpio.gz \
	PEER_BENCH_IMAGE=$(CURDIR)/$(ROOTFS_DIR)/peer-bench.cpio.gz \
	ROUNDS=$(ROUNDS) sh bench/boot

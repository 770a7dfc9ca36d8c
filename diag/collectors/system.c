// SPDX-License-Identifier: MIT
/*
 * system.c - the system collector: named facts about the host, as text
 *
 * Facts read /proc, /sys and /etc under the collection root, so they work on
 * a bare host without any tool installed, and tests can run them on a fake
 * root. Parts that need a system call describing the running kernel
 * (uname, statvfs, adjtimex, getifaddrs, klogctl) are only used when the
 * root is "/"; under a fake root they are left out and say so.
 *
 * Values are copied as the kernel gives them: command lines, host names and
 * addresses are sensitive, and the sink redacts them like any other bytes.
 * User names are looked up in <root>/etc/passwd directly, never through NSS
 * (which may ask a directory server over the network).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "diag/collectors.h"
#include "diag/error.h"
#include "diag/logtime.h"
#include "diag/util.h"

#define SMALL_MAX (1u << 20)
#define BIG_MAX (16u << 20)

struct fact_ctx {
	struct collect_ctx *ctx;
	struct strbuf *out;
	const char *root_note; /* why host-only parts are missing, or NULL */
};

/* Read a file under root into sb (reset first). 0, or -1 with errno. */
static int rd(struct fact_ctx *f, const char *path, struct strbuf *sb, size_t max)
{
	strbuf_reset(sb);
	return collect_read_small(f->ctx, path, sb, max);
}

/* First line of a small file, trimmed, into buf; "" if unreadable. */
static const char *line_of(struct fact_ctx *f, const char *path, char *buf, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	buf[0] = '\0';
	if (rd(f, path, &sb, 4096) == 0) {
		size_t n = strcspn(sb.buf, "\n");

		while (n && isspace((unsigned char)sb.buf[n - 1]))
			n--;
		snprintf(buf, len, "%.*s", (int)n, sb.buf);
	}
	strbuf_release(&sb);
	return buf;
}

/* Append sb's text to out, ending with a newline. */
static void add_text(struct strbuf *out, const struct strbuf *sb)
{
	strbuf_add(out, sb->buf, sb->len);
	if (sb->len && sb->buf[sb->len - 1] != '\n')
		strbuf_addch(out, '\n');
}

static int strbuf_emit(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

static void section(struct fact_ctx *f, const char *title)
{
	strbuf_addf(f->out, "%s== %s ==\n", f->out->len ? "\n" : "", title);
}

/* Append a file under a heading, or say why not. */
static void dump_file(struct fact_ctx *f, const char *title, const char *path, size_t max)
{
	struct strbuf sb = STRBUF_INIT;

	section(f, title);
	if (rd(f, path, &sb, max) < 0) {
		strbuf_addf(f->out, "(%s: %s)\n", path, strerror(errno));
	} else {
		add_text(f->out, &sb);
	}
	strbuf_release(&sb);
}

static void host_only(struct fact_ctx *f, const char *what)
{
	strbuf_addf(f->out, "%s: not available (%s)\n", what, f->root_note);
}

static int64_t boot_time(struct fact_ctx *f)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t bt = 0;

	if (rd(f, "/proc/stat", &sb, SMALL_MAX) == 0) {
		const char *p = strstr(sb.buf, "\nbtime ");

		if (p)
			bt = strtoll(p + 7, NULL, 10);
	}
	strbuf_release(&sb);
	return bt;
}

static void add_time(struct strbuf *out, const char *label, int64_t t)
{
	char buf[32];

	strbuf_addf(out, "%s: %s\n", label, t ? format_rfc3339(t, buf, sizeof(buf)) : "unknown");
}

/* ---- os ---- */

static int fact_os(struct fact_ctx *f)
{
	char a[512], b[512];
	struct strbuf sb = STRBUF_INIT;

	section(f, "identity");
	strbuf_addf(f->out, "hostname: %s\n", line_of(f, "/proc/sys/kernel/hostname", a, sizeof(a)));
	strbuf_addf(f->out, "kernel: %s %s\n", line_of(f, "/proc/sys/kernel/osrelease", a, sizeof(a)),
		    line_of(f, "/proc/sys/kernel/version", b, sizeof(b)));
	if (f->ctx->root_is_host) {
		struct utsname u;

		if (uname(&u) == 0)
			strbuf_addf(f->out, "machine: %s\n", u.machine);
	} else {
		strbuf_addf(f->out, "machine: %s\n", line_of(f, "/proc/sys/kernel/arch", a, sizeof(a)));
	}
	add_time(f->out, "booted", boot_time(f));
	strbuf_addf(f->out, "kernel command line: %s\n", line_of(f, "/proc/cmdline", a, sizeof(a)));
	strbuf_addf(f->out, "tainted: %s\n", line_of(f, "/proc/sys/kernel/tainted", a, sizeof(a)));
	strbuf_addf(f->out, "hardware: %s %s\n", line_of(f, "/sys/class/dmi/id/sys_vendor", a, sizeof(a)),
		    line_of(f, "/sys/class/dmi/id/product_name", b, sizeof(b)));
	strbuf_addf(f->out, "container: %s\n",
		    faccessat(f->ctx->rootfd, ".dockerenv", F_OK, 0) == 0 ? "docker (/.dockerenv)" :
		    faccessat(f->ctx->rootfd, "run/.containerenv", F_OK, 0) == 0 ?
		    "podman (/run/.containerenv)" : "none detected");
	if (rd(f, "/etc/os-release", &sb, SMALL_MAX) == 0 || rd(f, "/usr/lib/os-release", &sb, SMALL_MAX) == 0) {
		section(f, "os-release");
		add_text(f->out, &sb);
	} else {
		section(f, "os-release");
		strbuf_addstr(f->out, "(no /etc/os-release)\n");
	}
	strbuf_release(&sb);
	return 0;
}

/* ---- uptime ---- */

static int fact_uptime(struct fact_ctx *f)
{
	char up[256], load[256];
	double secs;
	long s;

	line_of(f, "/proc/uptime", up, sizeof(up));
	line_of(f, "/proc/loadavg", load, sizeof(load));
	if (!*up && !*load) {
		errno = ENOENT;
		return -1;
	}
	secs = strtod(up, NULL);
	s = (long)secs;
	strbuf_addf(f->out, "up %ld days, %02ld:%02ld:%02ld (%s s)\n", s / 86400, s / 3600 % 24,
		    s / 60 % 60, s % 60, up);
	strbuf_addf(f->out, "load average (1, 5, 15 min), running/total tasks, last pid: %s\n", load);
	add_time(f->out, "booted", boot_time(f));
	return 0;
}

/* ---- cpu ---- */

static int fact_cpu(struct fact_ctx *f)
{
	struct strbuf sb = STRBUF_INIT;
	char a[256];
	int count = 0;
	const char *model = NULL, *flags = NULL;
	size_t model_len = 0, flags_len = 0;

	if (rd(f, "/proc/cpuinfo", &sb, BIG_MAX) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	for (const char *l = sb.buf; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n')) {
		size_t n = strcspn(l, "\n");
		const char *colon = memchr(l, ':', n);
		const char *v = colon ? colon + 1 + (colon[1] == ' ') : NULL;

		if (!strncmp(l, "processor", 9))
			count++;
		else if (v && !model && (!strncmp(l, "model name", 10) || !strncmp(l, "Model", 5)))
			model = v, model_len = n - (size_t)(v - l);
		else if (v && !flags && (!strncmp(l, "flags", 5) || !strncmp(l, "Features", 8)))
			flags = v, flags_len = n - (size_t)(v - l);
	}
	strbuf_addf(f->out, "processors: %d\n", count);
	strbuf_addf(f->out, "online: %s\n", line_of(f, "/sys/devices/system/cpu/online", a, sizeof(a)));
	strbuf_addf(f->out, "model: %.*s\n", (int)model_len, model ? model : "");
	strbuf_addf(f->out, "flags: %.*s\n", (int)flags_len, flags ? flags : "");
	strbuf_release(&sb);
	dump_file(f, "pressure (/proc/pressure/cpu)", "/proc/pressure/cpu", SMALL_MAX);
	dump_file(f, "/proc/cpuinfo", "/proc/cpuinfo", BIG_MAX);
	return 0;
}

/* ---- memory ---- */

static int fact_memory(struct fact_ctx *f)
{
	static const char *const keys[] = {
		"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "Shmem", "Slab",
		"SReclaimable", "Dirty", "SwapTotal", "SwapFree", "CommitLimit", "Committed_AS",
		"HugePages_Total", "Hugepagesize", NULL,
	};
	struct strbuf sb = STRBUF_INIT;

	if (rd(f, "/proc/meminfo", &sb, SMALL_MAX) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	for (size_t i = 0; keys[i]; i++) {
		size_t kl = strlen(keys[i]);

		for (const char *l = sb.buf; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n')) {
			unsigned long long kb;
			char unit[8] = "";
			char size[32];

			if (strncmp(l, keys[i], kl) || l[kl] != ':')
				continue;
			if (sscanf(l + kl + 1, "%llu %7s", &kb, unit) >= 1) {
				if (!strcmp(unit, "kB"))
					strbuf_addf(f->out, "%-16s %s\n", keys[i],
						    format_size(kb * 1024, size, sizeof(size)));
				else
					strbuf_addf(f->out, "%-16s %llu\n", keys[i], kb);
			}
			break;
		}
	}
	section(f, "/proc/meminfo");
	add_text(f->out, &sb);
	strbuf_release(&sb);
	dump_file(f, "/proc/swaps", "/proc/swaps", SMALL_MAX);
	dump_file(f, "pressure (/proc/pressure/memory)", "/proc/pressure/memory", SMALL_MAX);
	return 0;
}

/* ---- disks ---- */

static int fact_disks(struct fact_ctx *f)
{
	int fd = collect_open(f->ctx, "/sys/block", O_RDONLY | O_DIRECTORY, true);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	section(f, "block devices");
	if (!d) {
		if (fd >= 0)
			close(fd);
		strbuf_addf(f->out, "(/sys/block: %s)\n", strerror(errno));
	} else {
		strbuf_addf(f->out, "%-12s %12s %5s %9s %3s  %s\n", "NAME", "SIZE", "ROTA", "REMOVABLE",
			    "RO", "MODEL");
		while ((de = readdir(d))) {
			char path[512], v[256], size[32], rota[16], rem[16], ro[16];

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/block/%s/size", de->d_name);
			line_of(f, path, v, sizeof(v));
			format_size(strtoull(v, NULL, 10) * 512, size, sizeof(size));
			snprintf(path, sizeof(path), "/sys/block/%s/queue/rotational", de->d_name);
			line_of(f, path, rota, sizeof(rota));
			snprintf(path, sizeof(path), "/sys/block/%s/removable", de->d_name);
			line_of(f, path, rem, sizeof(rem));
			snprintf(path, sizeof(path), "/sys/block/%s/ro", de->d_name);
			line_of(f, path, ro, sizeof(ro));
			snprintf(path, sizeof(path), "/sys/block/%s/device/model", de->d_name);
			strbuf_addf(f->out, "%-12s %12s %5s %9s %3s  %s\n", de->d_name, size, rota, rem, ro,
				    line_of(f, path, v, sizeof(v)));
		}
		closedir(d);
	}
	dump_file(f, "/proc/partitions", "/proc/partitions", SMALL_MAX);
	dump_file(f, "/proc/mdstat", "/proc/mdstat", SMALL_MAX);
	return 0;
}

/* ---- mounts ---- */

/* Undo the octal escapes of /proc/mounts ("\040" for a space) in place. */
static void unescape_mount(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static bool network_fs(const char *type)
{
	static const char *const net[] = {
		"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "ceph", "glusterfs", "9p", "afs",
		"lustre", "gfs2", "ocfs2", "davfs", NULL,
	};

	if (!strncmp(type, "fuse", 4))
		return true; /* sshfs, s3fs...: a hung server hangs statvfs() */
	for (size_t i = 0; net[i]; i++)
		if (!strcmp(type, net[i]))
			return true;
	return false;
}

static bool pseudo_fs(const char *type)
{
	static const char *const pseudo[] = {
		"proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs", "tracefs",
		"securityfs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs", "binfmt_misc",
		"autofs", "efivarfs", "selinuxfs", "rpc_pipefs", "nsfs", NULL,
	};

	for (size_t i = 0; pseudo[i]; i++)
		if (!strcmp(type, pseudo[i]))
			return true;
	return false;
}

static int fact_mounts(struct fact_ctx *f)
{
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;

	if (rd(f, "/proc/self/mounts", &sb, BIG_MAX) < 0 && rd(f, "/proc/mounts", &sb, BIG_MAX) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	if (!f->ctx->root_is_host)
		host_only(f, "usage");
	strbuf_addf(f->out, "%-24s %-28s %-10s %10s %10s %10s %5s %8s  %s\n", "DEVICE", "MOUNTPOINT",
		    "TYPE", "SIZE", "USED", "AVAIL", "USE%", "INODES%", "OPTIONS");
	for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char dev[512], mnt[1024], type[64], opts[1024];
		struct statvfs vfs;

		if (sscanf(l, "%511s %1023s %63s %1023s", dev, mnt, type, opts) != 4)
			continue;
		unescape_mount(mnt);
		strbuf_addf(f->out, "%-24s %-28s %-10s ", dev, mnt, type);
		if (!f->ctx->root_is_host || pseudo_fs(type)) {
			strbuf_addf(f->out, "%10s %10s %10s %5s %8s", "-", "-", "-", "-", "-");
		} else if (network_fs(type)) {
			strbuf_addf(f->out, "%10s %10s %10s %5s %8s", "(network:", "not", "queried)", "-",
				    "-");
		} else if (statvfs(mnt, &vfs) == 0 && vfs.f_blocks) {
			uint64_t total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
			uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
			uint64_t used = total - (uint64_t)vfs.f_bfree * vfs.f_frsize;
			char s1[32], s2[32], s3[32];
			double ipct = vfs.f_files ? 100.0 * (double)(vfs.f_files - vfs.f_ffree) /
				(double)vfs.f_files : 0;

			strbuf_addf(f->out, "%10s %10s %10s %4.0f%% %7.0f%%",
				    format_size(total, s1, sizeof(s1)), format_size(used, s2, sizeof(s2)),
				    format_size(avail, s3, sizeof(s3)),
				    used + avail ? 100.0 * (double)used / (double)(used + avail) : 0.0, ipct);
		} else {
			strbuf_addf(f->out, "%10s %10s %10s %5s %8s", "-", "-", "-", "-", "-");
		}
		strbuf_addf(f->out, "  %s\n", opts);
	}
	strbuf_release(&sb);
	return 0;
}

/* ---- network ---- */

static int fact_network(struct fact_ctx *f)
{
	int fd = collect_open(f->ctx, "/sys/class/net", O_RDONLY | O_DIRECTORY, true);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	section(f, "interfaces");
	if (!d) {
		if (fd >= 0)
			close(fd);
		strbuf_addf(f->out, "(/sys/class/net: %s)\n", strerror(errno));
	} else {
		strbuf_addf(f->out, "%-16s %-8s %6s %-18s %s\n", "NAME", "STATE", "MTU", "ADDRESS",
			    "SPEED(Mb/s)");
		while ((de = readdir(d))) {
			char path[512], st[64], mtu[32], mac[64], speed[32];

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", de->d_name);
			line_of(f, path, st, sizeof(st));
			snprintf(path, sizeof(path), "/sys/class/net/%s/mtu", de->d_name);
			line_of(f, path, mtu, sizeof(mtu));
			snprintf(path, sizeof(path), "/sys/class/net/%s/address", de->d_name);
			line_of(f, path, mac, sizeof(mac));
			snprintf(path, sizeof(path), "/sys/class/net/%s/speed", de->d_name);
			line_of(f, path, speed, sizeof(speed));
			strbuf_addf(f->out, "%-16s %-8s %6s %-18s %s\n", de->d_name, st, mtu, mac,
				    *speed ? speed : "-");
		}
		closedir(d);
	}
	section(f, "addresses");
	if (f->ctx->root_is_host) {
		struct ifaddrs *ifa, *i;

		if (getifaddrs(&ifa) == 0) {
			for (i = ifa; i; i = i->ifa_next) {
				char host[NI_MAXHOST];
				int fam = i->ifa_addr ? i->ifa_addr->sa_family : 0;

				if (fam != AF_INET && fam != AF_INET6)
					continue;
				if (getnameinfo(i->ifa_addr, fam == AF_INET ? sizeof(struct sockaddr_in) :
						sizeof(struct sockaddr_in6), host, sizeof(host), NULL, 0,
						NI_NUMERICHOST))
					continue;
				strbuf_addf(f->out, "%-16s %s %s\n", i->ifa_name, fam == AF_INET ? "inet " :
					    "inet6", host);
			}
			freeifaddrs(ifa);
		}
	} else {
		host_only(f, "IPv4 addresses");
		dump_file(f, "/proc/net/if_inet6", "/proc/net/if_inet6", SMALL_MAX);
	}
	dump_file(f, "/proc/net/dev", "/proc/net/dev", SMALL_MAX);
	return 0;
}

/* ---- routes ---- */

static int fact_routes(struct fact_ctx *f)
{
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;
	int lines = 0;

	if (rd(f, "/proc/net/route", &sb, BIG_MAX) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	section(f, "IPv4 routes");
	strbuf_addf(f->out, "%-18s %-16s %-12s %6s\n", "DESTINATION", "GATEWAY", "INTERFACE", "METRIC");
	for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char ifname[64];
		unsigned dst, gw, flags, refcnt, use, metric, mask;
		struct in_addr a;
		char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
		int bits;

		if (lines++ == 0)
			continue; /* header */
		if (sscanf(l, "%63s %x %x %x %u %u %u %x", ifname, &dst, &gw, &flags, &refcnt, &use,
			   &metric, &mask) != 8)
			continue;
		a.s_addr = dst;
		inet_ntop(AF_INET, &a, d, sizeof(d));
		a.s_addr = gw;
		inet_ntop(AF_INET, &a, g, sizeof(g));
		bits = __builtin_popcount(mask);
		if (dst || bits) {
			char cidr[32];

			snprintf(cidr, sizeof(cidr), "%s/%d", d, bits);
			strbuf_addf(f->out, "%-18s ", cidr);
		} else {
			strbuf_addf(f->out, "%-18s ", "default");
		}
		strbuf_addf(f->out, "%-16s %-12s %6u\n", gw ? g : "-", ifname, metric);
	}
	strbuf_release(&sb);
	dump_file(f, "/proc/net/ipv6_route", "/proc/net/ipv6_route", BIG_MAX);
	return 0;
}

/* ---- sockets ---- */

struct sock_owner {
	unsigned long inode;
	int pid;
	char comm[64];
};

static int owner_cmp(const void *a, const void *b)
{
	const struct sock_owner *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Socket inode -> process, from /proc/<pid>/fd links. Sorted by inode. */
static struct sock_owner *socket_owners(struct fact_ctx *f, size_t *n)
{
	int pfd = collect_open(f->ctx, "/proc", O_RDONLY | O_DIRECTORY, true);
	DIR *d = pfd < 0 ? NULL : fdopendir(pfd);
	struct sock_owner *v = NULL;
	size_t alloc = 0;
	struct dirent *de;

	*n = 0;
	if (!d) {
		if (pfd >= 0)
			close(pfd);
		return NULL;
	}
	while ((de = readdir(d))) {
		char path[300], comm[64];
		int fdd;
		DIR *fds;
		struct dirent *fe;

		if (!all_digits(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		line_of(f, path, comm, sizeof(comm));
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fdd = collect_open(f->ctx, path, O_RDONLY | O_DIRECTORY, true);
		fds = fdd < 0 ? NULL : fdopendir(fdd);
		if (!fds) {
			if (fdd >= 0)
				close(fdd);
			continue;
		}
		while ((fe = readdir(fds))) {
			char target[128];
			ssize_t len = readlinkat(dirfd(fds), fe->d_name, target, sizeof(target) - 1);
			unsigned long ino;

			if (len <= 0)
				continue;
			target[len] = '\0';
			if (sscanf(target, "socket:[%lu]", &ino) != 1)
				continue;
			ALLOC_GROW(v, *n + 1, alloc);
			v[*n].inode = ino;
			v[*n].pid = (int)strtol(de->d_name, NULL, 10);
			snprintf(v[*n].comm, sizeof(v[*n].comm), "%s", comm);
			(*n)++;
		}
		closedir(fds);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), owner_cmp);
	return v;
}

static void format_sockaddr(const char *hex, bool v6, char *out, size_t len)
{
	char addr_hex[33], ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	const char *colon = strchr(hex, ':');

	if (!colon || (size_t)(colon - hex) >= sizeof(addr_hex)) {
		snprintf(out, len, "?");
		return;
	}
	memcpy(addr_hex, hex, (size_t)(colon - hex));
	addr_hex[colon - hex] = '\0';
	port = (unsigned)strtoul(colon + 1, NULL, 16);
	if (!v6) {
		struct in_addr a;

		a.s_addr = (uint32_t)strtoul(addr_hex, NULL, 16);
		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		snprintf(out, len, "%s:%u", ip, port);
	} else if (strlen(addr_hex) == 32) {
		struct in6_addr a;

		for (int w = 0; w < 4; w++) {
			char word[9];
			uint32_t x;

			memcpy(word, addr_hex + 8 * w, 8);
			word[8] = '\0';
			x = (uint32_t)strtoul(word, NULL, 16); /* host-order words, as the kernel prints */
			memcpy(&a.s6_addr[4 * w], &x, 4);
		}
		inet_ntop(AF_INET6, &a, ip, sizeof(ip));
		snprintf(out, len, "[%s]:%u", ip, port);
	} else {
		snprintf(out, len, "?");
	}
}

static int fact_sockets(struct fact_ctx *f)
{
	static const struct {
		const char *path, *proto;
		bool v6;
		unsigned state; /* 0x0A TCP LISTEN, 0x07 UDP unconnected */
	} tables[] = {
		{ "/proc/net/tcp", "tcp", false, 0x0A },
		{ "/proc/net/tcp6", "tcp6", true, 0x0A },
		{ "/proc/net/udp", "udp", false, 0x07 },
		{ "/proc/net/udp6", "udp6", true, 0x07 },
	};
	struct strbuf sb = STRBUF_INIT;
	size_t nowners;
	struct sock_owner *owners = socket_owners(f, &nowners);
	int found = 0;

	strbuf_addf(f->out, "%-5s %-46s %s\n", "PROTO", "LOCAL ADDRESS", "PROCESS");
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		char *save = NULL;
		int line = 0;

		if (rd(f, tables[t].path, &sb, BIG_MAX) < 0)
			continue;
		found++;
		for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char local[80], remote[80], addr[96];
			unsigned state;
			unsigned long inode = 0;
			struct sock_owner key, *o;

			if (line++ == 0)
				continue;
			if (sscanf(l, "%*s %79s %79s %x %*s %*s %*s %*s %*s %lu", local, remote, &state,
				   &inode) != 4 || state != tables[t].state)
				continue;
			format_sockaddr(local, tables[t].v6, addr, sizeof(addr));
			key.inode = inode;
			o = nowners ? bsearch(&key, owners, nowners, sizeof(*owners), owner_cmp) : NULL;
			if (o)
				strbuf_addf(f->out, "%-5s %-46s pid %d (%s)\n", tables[t].proto, addr, o->pid,
					    o->comm);
			else
				strbuf_addf(f->out, "%-5s %-46s -\n", tables[t].proto, addr);
		}
	}
	free(owners);
	strbuf_release(&sb);
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/* ---- processes ---- */

struct user_map {
	char **names;
	long *uids;
	size_t n, alloc;
};

static void load_users(struct fact_ctx *f, struct user_map *m)
{
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;

	memset(m, 0, sizeof(*m));
	if (rd(f, "/etc/passwd", &sb, BIG_MAX) < 0) {
		strbuf_release(&sb);
		return;
	}
	for (char *l = strtok_r(sb.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		ALLOC_GROW(m->names, m->n + 1, m->alloc);
		m->uids = xrealloc(m->uids, m->alloc * sizeof(*m->uids));
		m->names[m->n] = xstrndup(l, (size_t)(c1 - l));
		m->uids[m->n] = strtol(c2 + 1, NULL, 10);
		m->n++;
	}
	strbuf_release(&sb);
}

static const char *user_name(const struct user_map *m, long uid, char *buf, size_t len)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->uids[i] == uid)
			return m->names[i];
	snprintf(buf, len, "%ld", uid);
	return buf;
}

static void free_users(struct user_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->names[i]);
	free(m->names);
	free(m->uids);
}

static int pid_cmp(const void *a, const void *b)
{
	long x = strtol(*(char *const *)a, NULL, 10), y = strtol(*(char *const *)b, NULL, 10);

	return x < y ? -1 : x > y;
}

static int fact_processes(struct fact_ctx *f)
{
	int pfd = collect_open(f->ctx, "/proc", O_RDONLY | O_DIRECTORY, true);
	DIR *d = pfd < 0 ? NULL : fdopendir(pfd);
	struct strbuf sb = STRBUF_INIT;
	struct user_map users;
	struct dirent *de;
	char **pids = NULL;
	size_t npids = 0, alloc = 0;
	long hz = sysconf(_SC_CLK_TCK), page_kb = sysconf(_SC_PAGESIZE) / 1024;
	int64_t btime = boot_time(f);

	if (!d) {
		if (pfd >= 0)
			close(pfd);
		return -1;
	}
	while ((de = readdir(d)))
		if (all_digits(de->d_name)) {
			ALLOC_GROW(pids, npids + 1, alloc);
			pids[npids++] = xstrdup(de->d_name);
		}
	closedir(d);
	if (npids)
		qsort(pids, npids, sizeof(*pids), pid_cmp);
	load_users(f, &users);
	strbuf_addf(f->out, "%7s %7s %-12s %1s %10s %4s %-20s %s\n", "PID", "PPID", "USER", "S",
		    "RSS(KiB)", "THR", "STARTED", "COMMAND");
	for (size_t i = 0; i < npids; i++) {
		char path[300], ubuf[32], when[32], state = '?';
		long ppid = 0, threads = 0, uid = -1;
		unsigned long long start = 0;
		long long rss = 0;
		const char *rp, *u;

		snprintf(path, sizeof(path), "/proc/%s/stat", pids[i]);
		if (rd(f, path, &sb, 8192) < 0 || !(rp = strrchr(sb.buf, ')')))
			continue; /* exited meanwhile */
		/* after "(comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt
		   cmajflt utime stime cutime cstime priority nice num_threads itrealvalue
		   starttime vsize rss (nothing to read when the line ends at the ')') */
		sscanf(rp[1] == ' ' ? rp + 2 : "", "%c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %ld "
		       "%*d %llu %*u %lld", &state, &ppid, &threads, &start, &rss);
		snprintf(path, sizeof(path), "/proc/%s/status", pids[i]);
		if (rd(f, path, &sb, 65536) == 0) {
			const char *uidl = strstr(sb.buf, "\nUid:");

			if (uidl)
				uid = strtol(uidl + 5, NULL, 10);
		}
		u = uid >= 0 ? user_name(&users, uid, ubuf, sizeof(ubuf)) : "?";
		if (btime && hz > 0)
			format_rfc3339(btime + (int64_t)(start / (unsigned long long)hz), when, sizeof(when));
		else
			snprintf(when, sizeof(when), "-");
		strbuf_addf(f->out, "%7s %7ld %-12s %c %10lld %4ld %-20s ", pids[i], ppid, u, state,
			    rss * page_kb, threads, when);
		snprintf(path, sizeof(path), "/proc/%s/cmdline", pids[i]);
		if (rd(f, path, &sb, 8192) == 0 && sb.len) {
			for (size_t k = 0; k < sb.len; k++)
				if (sb.buf[k] == '\0' || sb.buf[k] == '\n')
					sb.buf[k] = ' ';
			while (sb.len && sb.buf[sb.len - 1] == ' ')
				strbuf_setlen(&sb, sb.len - 1);
			add_text(f->out, &sb);
		} else {
			char comm[64];

			snprintf(path, sizeof(path), "/proc/%s/comm", pids[i]);
			strbuf_addf(f->out, "[%s]\n", line_of(f, path, comm, sizeof(comm)));
		}
	}
	for (size_t i = 0; i < npids; i++)
		free(pids[i]);
	free(pids);
	free_users(&users);
	strbuf_release(&sb);
	return 0;
}

/* ---- kernel log ---- */

static int fact_kernel_log(struct fact_ctx *f)
{
	struct strbuf raw = STRBUF_INIT;
	int64_t btime;
	int size, n;

	if (!f->ctx->root_is_host) {
		host_only(f, "the kernel ring buffer");
		return 0;
	}
	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size <= 0)
		return -1;
	strbuf_grow(&raw, (size_t)size);
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, raw.buf, size);
	if (n < 0) {
		strbuf_release(&raw);
		return -1;
	}
	strbuf_setlen(&raw, (size_t)n);
	btime = boot_time(f);
	/* "<6>[   12.345678] msg" -> "2024-03-01T12:00:12Z [   12.345678] msg" (approximate wall time) */
	for (const char *l = raw.buf; l < raw.buf + raw.len;) {
		const char *nl = memchr(l, '\n', (size_t)(raw.buf + raw.len - l));
		size_t len = nl ? (size_t)(nl - l) : (size_t)(raw.buf + raw.len - l);
		const char *p = l, *end = l + len;
		char when[32];

		if (p < end && *p == '<') {
			const char *gt = memchr(p, '>', (size_t)(end - p));

			if (gt)
				p = gt + 1;
		}
		if (p < end && *p == '[' && btime) {
			double up = strtod(p + 1, NULL);

			strbuf_addf(f->out, "%s ", format_rfc3339(btime + (int64_t)up, when, sizeof(when)));
		}
		strbuf_add(f->out, p, (size_t)(end - p));
		strbuf_addch(f->out, '\n');
		l = nl ? nl + 1 : end;
	}
	strbuf_release(&raw);
	return 0;
}

/* ---- clock ---- */

static int fact_clock(struct fact_ctx *f)
{
	struct timespec ts;
	char buf[64], a[512];
	struct tm tm;
	time_t now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = ts.tv_sec;
	strbuf_addf(f->out, "system clock (UTC): %s\n", format_rfc3339(now, buf, sizeof(buf)));
	if (localtime_r(&now, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %Z (%z)", &tm))
		strbuf_addf(f->out, "system clock (local): %s\n", buf);
	strbuf_addf(f->out, "/etc/timezone: %s\n", line_of(f, "/etc/timezone", a, sizeof(a)));
	{
		int fd = collect_open(f->ctx, "/etc/localtime", O_PATH, false);
		ssize_t n = fd < 0 ? -1 : readlinkat(fd, "", a, sizeof(a) - 1);

		if (fd >= 0)
			close(fd);
		a[n > 0 ? n : 0] = '\0';
		strbuf_addf(f->out, "/etc/localtime -> %s\n", n > 0 ? a : "(not a symbolic link)");
	}
	section(f, "synchronisation");
	if (f->ctx->root_is_host) {
		struct timex tx;
		int state;

		memset(&tx, 0, sizeof(tx));
		state = adjtimex(&tx);
		if (state < 0) {
			strbuf_addf(f->out, "adjtimex: %s\n", strerror(errno));
		} else {
			strbuf_addf(f->out, "kernel says: %s (state %d)\n",
				    tx.status & STA_UNSYNC ? "NOT synchronised" : "synchronised", state);
			strbuf_addf(f->out, "offset: %ld %s, max error: %ld us, estimated error: %ld us, "
				    "frequency: %.3f ppm\n", tx.offset, tx.status & STA_NANO ? "ns" : "us",
				    tx.maxerror, tx.esterror, (double)tx.freq / 65536.0);
		}
	} else {
		host_only(f, "kernel synchronisation state");
	}
	strbuf_addf(f->out, "systemd-timesyncd synchronised flag: %s\n",
		    faccessat(f->ctx->rootfd, "run/systemd/timesync/synchronized", F_OK, 0) == 0 ?
		    "present" : "absent");
	section(f, "hardware clock");
	strbuf_addf(f->out, "rtc0: %s", line_of(f, "/sys/class/rtc/rtc0/date", a, sizeof(a)));
	strbuf_addf(f->out, " %s UTC\n", line_of(f, "/sys/class/rtc/rtc0/time", a, sizeof(a)));
	line_of(f, "/sys/class/rtc/rtc0/since_epoch", a, sizeof(a));
	if (*a && f->ctx->root_is_host)
		strbuf_addf(f->out, "rtc0 minus system clock: %lld s\n",
			    strtoll(a, NULL, 10) - (long long)now);
	return 0;
}

/* ---- packages ---- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_pkg(char ***v, size_t *n, size_t *alloc, const char *name, const char *ver,
		    const char *arch)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = xasprintf("%-40s %-32s %s", name, ver, arch);
}

/* "Key: value" paragraphs (dpkg) or "K:value" lines (apk), one package per blank-line block. */
static void parse_pkg_db(const char *text, bool apk, char ***v, size_t *n, size_t *alloc)
{
	char name[256] = "", ver[256] = "", arch[64] = "";
	bool installed = apk;

	for (const char *l = text;; l += strcspn(l, "\n") + 1) {
		size_t len = strcspn(l, "\n");

		if (!len) {
			if (*name && installed)
				add_pkg(v, n, alloc, name, ver, arch);
			*name = *ver = *arch = '\0';
			installed = apk;
			if (!l[0])
				break;
			continue;
		}
		if (apk) {
			if (len > 2 && l[1] == ':') {
				char *dst = l[0] == 'P' ? name : l[0] == 'V' ? ver : l[0] == 'A' ? arch : NULL;
				size_t cap = l[0] == 'A' ? sizeof(arch) : sizeof(name);

				if (dst)
					snprintf(dst, cap, "%.*s", (int)(len - 2), l + 2);
			}
		} else if (!strncmp(l, "Package: ", 9)) {
			snprintf(name, sizeof(name), "%.*s", (int)(len - 9), l + 9);
		} else if (!strncmp(l, "Version: ", 9)) {
			snprintf(ver, sizeof(ver), "%.*s", (int)(len - 9), l + 9);
		} else if (!strncmp(l, "Architecture: ", 14)) {
			snprintf(arch, sizeof(arch), "%.*s", (int)(len - 14), l + 14);
		} else if (!strncmp(l, "Status: ", 8)) {
			/* "install ok installed", "hold ok installed" */
			installed = len >= 8 + 12 && !memcmp(l + len - 12, "ok installed", 12);
		}
		if (!l[len]) {
			if (*name && installed)
				add_pkg(v, n, alloc, name, ver, arch);
			break;
		}
	}
}

static int fact_packages(struct fact_ctx *f)
{
	static const struct {
		const char *path, *what;
		bool apk;
	} dbs[] = {
		{ "/var/lib/dpkg/status", "dpkg", false },
		{ "/lib/apk/db/installed", "apk", true },
	};
	struct strbuf sb = STRBUF_INIT;
	bool any = false;

	for (size_t i = 0; i < ARRAY_SIZE(dbs); i++) {
		char **v = NULL;
		size_t n = 0, alloc = 0;

		if (rd(f, dbs[i].path, &sb, 256u << 20) < 0)
			continue;
		any = true;
		parse_pkg_db(sb.buf, dbs[i].apk, &v, &n, &alloc);
		if (n)
			qsort(v, n, sizeof(*v), str_cmp);
		section(f, dbs[i].what);
		strbuf_addf(f->out, "%zu packages installed (from %s)\n", n, dbs[i].path);
		for (size_t k = 0; k < n; k++) {
			strbuf_addf(f->out, "%s\n", v[k]);
			free(v[k]);
		}
		free(v);
	}
	if (faccessat(f->ctx->rootfd, "var/lib/rpm", F_OK, 0) == 0) {
		any = true;
		section(f, "rpm");
		strbuf_addstr(f->out, "an RPM database exists (/var/lib/rpm): diag cannot read it "
			      "itself; see the rpm command entry\n");
	}
	strbuf_release(&sb);
	if (!any)
		strbuf_addstr(f->out, "no package database found (dpkg, apk, rpm)\n");
	return 0;
}

/* ---- services ---- */

static void list_links(struct fact_ctx *f, const char *dir, bool masked_only)
{
	int fd = collect_open(f->ctx, dir, O_RDONLY | O_DIRECTORY, true);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		char target[512];
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		target[len > 0 ? len : 0] = '\0';
		if (masked_only && strcmp(target, "/dev/null"))
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), str_cmp);
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(f->out, "  %s\n", names[i]);
		free(names[i]);
	}
	free(names);
}

static int fact_services(struct fact_ctx *f)
{
	int fd = collect_open(f->ctx, "/etc/systemd/system", O_RDONLY | O_DIRECTORY, true);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	char **wants = NULL;
	size_t n = 0, alloc = 0;

	section(f, "systemd: enabled units, by the target that wants them (/etc/systemd/system)");
	if (!d) {
		if (fd >= 0)
			close(fd);
		strbuf_addstr(f->out, "(no /etc/systemd/system)\n");
	} else {
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);

			if (len > 6 && !strcmp(de->d_name + len - 6, ".wants")) {
				ALLOC_GROW(wants, n + 1, alloc);
				wants[n++] = xstrdup(de->d_name);
			}
		}
		closedir(d);
		if (n)
			qsort(wants, n, sizeof(*wants), str_cmp);
		for (size_t i = 0; i < n; i++) {
			char *dir = xasprintf("/etc/systemd/system/%s", wants[i]);

			strbuf_addf(f->out, "%.*s:\n", (int)(strlen(wants[i]) - 6), wants[i]);
			list_links(f, dir, false);
			free(dir);
			free(wants[i]);
		}
		free(wants);
		section(f, "systemd: masked units");
		list_links(f, "/etc/systemd/system", true);
	}
	section(f, "SysV init scripts (/etc/init.d)");
	list_links(f, "/etc/init.d", false);
	section(f, "running state");
	strbuf_addstr(f->out, "needs systemctl: see the systemctl command entries\n");
	return 0;
}

static int fact_kernel_modules(struct fact_ctx *f)
{
	struct strbuf sb = STRBUF_INIT;

	if (rd(f, "/proc/modules", &sb, BIG_MAX) < 0) {
		strbuf_release(&sb);
		if (errno != ENOENT)
			return -1;
		/* A kernel built without modules, or a container that hides them. */
		strbuf_addstr(f->out, "no /proc/modules: this kernel has no loadable modules "
				      "(or a container hides them)\n");
		return 0;
	}
	add_text(f->out, &sb);
	strbuf_release(&sb);
	return 0;
}

/* The facts, in the order diag.1 lists them; fact_fns[] follows the same order. */
static const struct system_fact fact_list[] = {
	{ "os", "operating system, kernel, host name, boot time, hardware and container" },
	{ "uptime", "uptime and load average" },
	{ "cpu", "processors, model, flags and CPU pressure" },
	{ "memory", "memory and swap use, memory pressure" },
	{ "disks", "block devices, partitions and RAID state" },
	{ "mounts", "mounted file systems and their usage (network file systems not queried)" },
	{ "network", "network interfaces, their addresses and counters" },
	{ "routes", "IPv4 and IPv6 routing tables" },
	{ "sockets", "listening TCP and UDP sockets and the processes that own them" },
	{ "processes", "running processes with their command lines (redacted like any text)" },
	{ "kernel-log", "kernel messages (the ring buffer), with approximate wall-clock times" },
	{ "kernel-modules", "loaded kernel modules" },
	{ "clock", "system and hardware clocks, time zone and time synchronisation state" },
	{ "packages", "installed packages (dpkg and apk databases read directly)" },
	{ "services", "enabled and masked systemd units, SysV init scripts" },
	{ NULL, NULL },
};

static int (*const fact_fns[])(struct fact_ctx *f) = {
	fact_os, fact_uptime, fact_cpu, fact_memory, fact_disks, fact_mounts, fact_network,
	fact_routes, fact_sockets, fact_processes, fact_kernel_log, fact_kernel_modules, fact_clock,
	fact_packages, fact_services,
};

_Static_assert(ARRAY_SIZE(fact_fns) + 1 == ARRAY_SIZE(fact_list), "one function per fact");

static int system_collect(struct collect_ctx *ctx, const struct spec_entry *e)
{
	size_t k = 0;
	struct strbuf out = STRBUF_INIT;
	struct fact_ctx f = { ctx, &out, "only on the live host, not under a fake root" };
	struct collect_item item;
	struct collect_item_end end;
	char *path = xasprintf("%s/%s.txt", ctx->spec->settings.prefix[SPEC_SYSTEM], e->name);
	double t0 = collect_monotonic();
	bool time_filtered = false;
	uint64_t budget;
	char note[96];
	int r = 0;

	while (fact_list[k].name && strcmp(fact_list[k].name, e->fact))
		k++;
	if (!fact_list[k].name)
		BUG("unknown fact '%s' in a parsed spec", e->fact);
	memset(&item, 0, sizeof(item));
	item.path = path;
	item.source = fact_list[k].name;
	item.mtime = ctx->now;
	item.uid = item.gid = -1;
	collect_progress(ctx, fact_list[k].name);
	errno = 0;
	if (fact_fns[k](&f) < 0) {
		collect_failed(ctx, &item, "%s: %s", fact_list[k].name,
			       errno ? strerror(errno) : "not available");
		goto out;
	}
	if (!strcmp(fact_list[k].name, "kernel-log") && (ctx->since || ctx->until)) {
		/* the times were made absolute above, so the window applies */
		struct strbuf kept = STRBUF_INIT;
		struct logtime_filter *lf = logtime_filter_new(ctx->since, ctx->until, ctx->now,
							       strbuf_emit, &kept);

		if (logtime_filter_write(lf, out.buf, out.len) == 0 && logtime_filter_finish(lf) == 0) {
			time_filtered = kept.len != out.len;
			strbuf_release(&out);
			out = kept;
		} else {
			strbuf_release(&kept);
		}
		logtime_filter_free(lf);
	}
	budget = collect_budget_left(ctx);
	if (out.len > budget && budget < COLLECT_MIN_SLICE) {
		ctx->sum->budget_exhausted = true;
		collect_skipped(ctx, &item, "%s", "the total size budget is exhausted");
		goto out;
	}
	r = collect_begin(ctx, &item);
	if (r) {
		r = r < 0 ? -1 : 0;
		goto out;
	}
	memset(&end, 0, sizeof(end));
	end.source_bytes = out.len;
	end.time_filtered = time_filtered;
	if (out.len > budget) {
		/* the beginning: a fact's text starts with its summary */
		snprintf(note, sizeof(note), "cut at %llu of %zu bytes (total budget)",
			 (unsigned long long)budget, out.len);
		end.note = note;
		end.truncated = true;
		ctx->sum->budget_exhausted = true;
		strbuf_setlen(&out, (size_t)budget);
	}
	if (collect_write(ctx, out.buf, out.len) < 0) {
		r = -1;
		goto out;
	}
	end.seconds = collect_monotonic() - t0;
	if (collect_end(ctx, &end) < 0)
		r = -1;
out:
	strbuf_release(&out);
	free(path);
	return r;
}

const struct collector collector_system = {
	.name = "system",
	.kind = SPEC_SYSTEM,
	.collect = system_collect,
	.facts = fact_list,
};

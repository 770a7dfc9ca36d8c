// SPDX-License-Identifier: MIT
/*
 * command.c - the command collector: run an argv, capture its output
 *
 * Never a shell: argv[0] is looked up in the child's PATH by diag itself,
 * then execve()d. The child has its own process group, /dev/null as stdin,
 * separate pipes for stdout and stderr, no other inherited descriptor, all
 * signals at their defaults, and a minimal environment (PATH, LC_ALL=C, plus
 * the entry's env and pass_env). One poll() loop reads both pipes, so
 * neither can fill up and deadlock the child.
 *
 * On timeout SIGTERM goes to the whole group, then SIGKILL after the grace
 * period. When the leader exits, processes it left behind in its group that
 * still hold the pipes are killed too. The leader is only reaped after the
 * last kill, so its pid (the group id) cannot be reused while we signal the
 * group. While a command runs, SIGINT/SIGTERM/SIGHUP handlers kill the group
 * before chaining to the previous handlers, an atexit() hook does the same,
 * and PR_SET_PDEATHSIG kills the leader if diag dies outright.
 *
 * Reporting: an absent program is item_failed ("command not found"), or
 * item_skipped when the entry is optional; a timeout keeps what was read
 * (end->timed_out) and is also reported with collector_failed(); a non-zero
 * exit status is recorded in end->exit_status, and is not a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/collectors.h"
#include "diag/error.h"
#include "diag/util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define STDERR_MAX (64u << 10)
#define LINGER_SECONDS 0.5  /* after the leader exits, how long the pipes may stay open */
#define AFTER_KILL_SECONDS 1.0

/* The group of the command running now, for the signal handlers and atexit(). */
static volatile sig_atomic_t active_pgid;
static struct sigaction old_actions[3];
static const int caught_signals[3] = { SIGINT, SIGTERM, SIGHUP };

static void kill_active_group(void)
{
	pid_t g = (pid_t)active_pgid;

	if (g > 0)
		kill(-g, SIGKILL);
}

static void on_signal(int sig)
{
	int e = errno;

	kill_active_group();
	for (int i = 0; i < 3; i++) {
		if (caught_signals[i] != sig)
			continue;
		if (old_actions[i].sa_handler == SIG_IGN)
			break;
		/* Restore the previous disposition; the signal is re-delivered when we return. */
		sigaction(sig, &old_actions[i], NULL);
		raise(sig);
	}
	errno = e;
}

static void guard_install(pid_t pgid)
{
	static bool atexit_done;
	struct sigaction sa;

	if (!atexit_done) {
		atexit(kill_active_group);
		atexit_done = true;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(caught_signals[i], &sa, &old_actions[i]);
	active_pgid = pgid;
}

static void guard_remove(void)
{
	active_pgid = 0;
	for (int i = 0; i < 3; i++)
		sigaction(caught_signals[i], &old_actions[i], NULL);
}

static const char *env_lookup(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; env[i]; i++)
		if (!strncmp(env[i], name, n) && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

/* The environment: PATH, LC_ALL=C, pass_env, then env (which wins). NULL-terminated. */
static char **build_env(const struct spec_entry *e)
{
	char **env = xcalloc(4 + e->npass_env + e->nenv, sizeof(char *));
	size_t n = 0;

	for (size_t i = 0; i < e->nenv; i++)
		env[n++] = xstrdup(e->env[i]);
	if (!env_lookup(env, "PATH"))
		env[n++] = xstrdup("PATH=" DEFAULT_PATH);
	if (!env_lookup(env, "LC_ALL"))
		env[n++] = xstrdup("LC_ALL=C");
	for (size_t i = 0; i < e->npass_env; i++) {
		const char *v = getenv(e->pass_env[i]);

		if (v && !env_lookup(env, e->pass_env[i]))
			env[n++] = xasprintf("%s=%s", e->pass_env[i], v);
	}
	env[n] = NULL;
	return env;
}

/* Find prog in path like execvp() would, without a shell. NULL (errno set) if absent. */
static char *find_program(const char *prog, const char *path)
{
	struct stat st;
	int last = ENOENT;

	if (strchr(prog, '/')) {
		if (stat(prog, &st) < 0)
			return NULL;
		if (!S_ISREG(st.st_mode) || access(prog, X_OK) < 0) {
			errno = EACCES;
			return NULL;
		}
		return xstrdup(prog);
	}
	/* empty PATH elements (the current directory) are ignored on purpose */
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *cand = n ? xasprintf("%.*s/%s", (int)n, p, prog) : NULL;

		if (cand && stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0)
				return cand;
			last = EACCES;
		}
		free(cand);
		p += n + (p[n] == ':');
	}
	errno = last;
	return NULL;
}

static void expand_placeholders(struct strbuf *out, const char *arg, const struct collect_ctx *ctx)
{
	char buf[64];

	strbuf_reset(out);
	for (const char *c = arg; *c;) {
		const char *close = *c == '{' ? strchr(c, '}') : NULL;
		size_t n = close ? (size_t)(close - c + 1) : 0;

		if (n && !strncmp(c, "{since}", n))
			strbuf_addstr(out, format_rfc3339(ctx->since, buf, sizeof(buf)));
		else if (n && !strncmp(c, "{since_epoch}", n))
			strbuf_addf(out, "%lld", (long long)ctx->since);
		else if (n && !strncmp(c, "{since_age}", n))
			strbuf_addf(out, "%llds", (long long)MAX(ctx->now - ctx->since, 1));
		else if (n && !strncmp(c, "{until}", n))
			strbuf_addstr(out, format_rfc3339(ctx->until ? ctx->until : ctx->now, buf,
							  sizeof(buf)));
		else if (n && !strncmp(c, "{until_epoch}", n))
			strbuf_addf(out, "%lld", (long long)(ctx->until ? ctx->until : ctx->now));
		else
			n = 0;
		if (n) {
			c += n;
		} else {
			strbuf_addch(out, *c++);
		}
	}
}

/* argv, plus window_args when a window is set. NULL-terminated. */
static char **build_argv(const struct collect_ctx *ctx, const struct spec_entry *e)
{
	bool window = ctx->since || ctx->until;
	size_t n = e->argc + (window ? e->nwindow_args : 0), k = 0;
	char **argv = xcalloc(n + 1, sizeof(char *));
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < e->argc; i++)
		argv[k++] = xstrdup(e->argv[i]);
	for (size_t i = 0; window && i < e->nwindow_args; i++) {
		expand_placeholders(&sb, e->window_args[i], ctx);
		argv[k++] = xstrdup(sb.buf);
	}
	strbuf_release(&sb);
	return argv;
}

/* In the child, between fork() and execve(): async-signal-safe calls only. */
static void NORETURN child(const char *prog, char **argv, char **env, int out, int err, int report,
			   pid_t parent)
{
	struct sigaction dfl;
	sigset_t none;
	int devnull, e;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* diag died before the line above: nobody would kill us */
		_exit(127);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    dup2(report, 3) < 0)
		goto fail;
	fcntl(3, F_SETFD, FD_CLOEXEC);
	if (syscall(SYS_close_range, 4U, ~0U, 0) < 0)
		for (int fd = 4; fd < 65536; fd++)
			close(fd);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(prog, argv, env);
fail:
	e = errno;
	if (write(3, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

struct run {
	pid_t pid;
	int out, err, pidfd;
	int rep, child_errno;   /* the exec report pipe; execve()'s errno, 0 if it ran */
	bool exited, timed_out, killed, leftovers, out_truncated, err_truncated;
	int status;
	uint64_t cap, produced, source_bytes;
	struct strbuf errbuf;
};

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void check_exited(struct run *r)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == r->pid)
		r->exited = true;
}

/* Read what a pipe has. Returns 0 open, 1 EOF, -1 fatal sink error. */
static int drain(struct collect_ctx *ctx, struct run *r, int fd, char *buf, size_t size)
{
	for (;;) {
		ssize_t n = read(fd, buf, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
		if (!n)
			return 1;
		if (fd == r->rep) {
			/* one write() of an int, before _exit(): never split (PIPE_BUF) */
			if ((size_t)n >= sizeof(r->child_errno))
				memcpy(&r->child_errno, buf, sizeof(r->child_errno));
		} else if (fd == r->out) {
			size_t keep = (size_t)MIN((uint64_t)n, r->cap - r->produced);

			r->source_bytes += (uint64_t)n;
			if (keep && collect_write(ctx, buf, keep) < 0)
				return -1;
			r->produced += keep;
			if (keep < (size_t)n)
				r->out_truncated = true;
		} else {
			size_t keep = MIN((size_t)n, STDERR_MAX - r->errbuf.len);

			strbuf_add(&r->errbuf, buf, keep);
			if (keep < (size_t)n)
				r->err_truncated = true;
		}
	}
}

/* The poll loop. Returns 0, or -1 on a fatal sink error (the group is killed either way). */
static int supervise(struct collect_ctx *ctx, struct run *r, double t0, int64_t timeout_ms,
		     int64_t grace_ms)
{
	double deadline = t0 + (double)timeout_ms / 1000, kill_at = 0, give_up = 0, linger = 0;
	char *buf = xmalloc(65536);
	int ret = 0;

	while (r->out >= 0 || r->err >= 0 || r->rep >= 0 || !r->exited) {
		struct pollfd pfd[4];
		int nfd = 0, wait_ms;
		double now = collect_monotonic(), next;

		if (!r->exited && !r->timed_out && now >= deadline) {
			kill(-r->pid, SIGTERM);
			r->timed_out = true;
			kill_at = now + (double)grace_ms / 1000;
		}
		if (r->exited && !r->killed && !linger)
			linger = now + LINGER_SECONDS;
		if (!r->killed && ((kill_at && now >= kill_at) || (linger && now >= linger))) {
			/* the leader is not reaped yet, so its pid still names our group */
			kill(-r->pid, SIGKILL);
			r->killed = true;
			r->leftovers = r->exited;
			give_up = now + AFTER_KILL_SECONDS;
		}
		if (give_up && now >= give_up)
			break; /* pipes held by processes outside the group, or a leader stuck in D state */
		next = r->killed ? give_up : r->exited ? linger : r->timed_out ? kill_at : deadline;
		/* at most a minute at a time: a timeout of weeks does not fit in an int of ms */
		wait_ms = (int)MIN(MAX(0.0, (next - now) * 1000), 60000.0) + 1;
		if (r->pidfd < 0 && !r->exited)
			wait_ms = MIN(wait_ms, 50);
		if (r->out >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = r->out, .events = POLLIN };
		if (r->err >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = r->err, .events = POLLIN };
		if (r->rep >= 0)
			pfd[nfd++] = (struct pollfd){ .fd = r->rep, .events = POLLIN };
		if (r->pidfd >= 0 && !r->exited)
			pfd[nfd++] = (struct pollfd){ .fd = r->pidfd, .events = POLLIN };
		if (poll(pfd, (nfds_t)nfd, wait_ms) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < nfd; i++) {
			int d;

			if (!pfd[i].revents || pfd[i].fd == r->pidfd)
				continue;
			d = drain(ctx, r, pfd[i].fd, buf, 65536);
			if (d < 0) {
				ret = -1;
				goto out;
			}
			if (d > 0) {
				close(pfd[i].fd);
				if (pfd[i].fd == r->out)
					r->out = -1;
				else if (pfd[i].fd == r->err)
					r->err = -1;
				else
					r->rep = -1;
			}
		}
		if (!r->exited)
			check_exited(r);
	}
out:
	sodium_memzero(buf, 65536);
	free(buf);
	return ret;
}

static void reap(struct run *r)
{
	kill(-r->pid, SIGKILL); /* whatever is left of the group; the leader is not reaped yet */
	for (int i = 0; i < 20 && !r->exited; i++) {
		check_exited(r);
		if (!r->exited)
			usleep(50000);
	}
	if (waitpid(r->pid, &r->status, r->exited ? 0 : WNOHANG) <= 0)
		r->status = -1;
}

static void describe_end(struct strbuf *note, const struct run *r, const char *prog,
			 int64_t timeout_ms)
{
	if (r->status != -1 && WIFSIGNALED(r->status) && !r->timed_out)
		strbuf_addf(note, "killed by signal %d (%s); ", WTERMSIG(r->status),
			    strsignal(WTERMSIG(r->status)));
	if (r->status != -1 && WIFEXITED(r->status) && WEXITSTATUS(r->status))
		strbuf_addf(note, "exit status %d; ", WEXITSTATUS(r->status));
	if (r->timed_out)
		strbuf_addf(note, "timed out after %.1fs and was killed; ", (double)timeout_ms / 1000);
	if (r->leftovers)
		strbuf_addstr(note, "left processes running after it exited: they were killed; ");
	if (r->status == -1)
		strbuf_addf(note, "'%s' did not die after SIGKILL; ", prog);
	if (r->out_truncated)
		strbuf_addf(note, "output cut at %llu of %llu bytes; ", (unsigned long long)r->produced,
			    (unsigned long long)r->source_bytes);
	if (r->err_truncated)
		strbuf_addstr(note, "standard error cut at 64 KiB; ");
	if (note->len)
		strbuf_setlen(note, note->len - 2);
}

static int command_collect(struct collect_ctx *ctx, const struct spec_entry *e)
{
	const struct spec_settings *st = &ctx->spec->settings;
	int64_t timeout_ms = e->timeout_ms ? e->timeout_ms : st->timeout_ms;
	uint64_t cap = e->max_output ? e->max_output : st->max_output;
	char **argv = build_argv(ctx, e), **env = build_env(e);
	char *prog = NULL, *path = xasprintf("%s/%s.txt", st->prefix[SPEC_COMMAND], e->name);
	struct strbuf source = STRBUF_INIT, note = STRBUF_INIT;
	struct collect_item item;
	struct collect_item_end end;
	struct run r;
	int pout[2] = { -1, -1 }, perr[2] = { -1, -1 }, prep[2] = { -1, -1 };
	double t0 = collect_monotonic();
	sigset_t all, old;
	pid_t parent;
	int ret = 0, b;

	for (size_t i = 0; argv[i]; i++)
		strbuf_addf(&source, "%s%s", i ? " " : "", argv[i]);
	memset(&item, 0, sizeof(item));
	item.path = path;
	item.source = source.buf;
	item.uid = item.gid = -1;
	item.mtime = ctx->now;
	memset(&r, 0, sizeof(r));
	r.out = r.err = r.pidfd = r.rep = -1;
	strbuf_init(&r.errbuf, 0);

	cap = MIN(cap, collect_budget_left(ctx));
	if (cap < COLLECT_MIN_SLICE) {
		ctx->sum->budget_exhausted = true;
		collect_skipped(ctx, &item, "the total size budget is exhausted");
		goto out;
	}
	if (!ctx->root_is_host) {
		/* Its output would describe this host, not the one whose files are read. */
		collect_skipped(ctx, &item, "not run: --root reads another host's files");
		goto out;
	}
	prog = find_program(argv[0], env_lookup(env, "PATH"));
	if (!prog) {
		if (e->optional && errno == ENOENT)
			collect_skipped(ctx, &item, "'%s' is not installed", argv[0]);
		else if (errno == ENOENT)
			collect_failed(ctx, &item, "'%s': command not found", argv[0]);
		else
			collect_failed(ctx, &item, "cannot run '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	b = collect_begin(ctx, &item);
	if (b) {
		ret = b < 0 ? -1 : 0;
		goto out;
	}
	memset(&end, 0, sizeof(end));
	r.cap = cap;
	if (pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0 || pipe2(prep, O_CLOEXEC) < 0) {
		end.error = strerror(errno);
		goto end;
	}
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	parent = getpid();
	r.pid = fork();
	if (r.pid == 0)
		child(prog, argv, env, pout[1], perr[1], prep[1], parent);
	if (r.pid < 0) {
		end.error = strerror(errno);
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto end;
	}
	setpgid(r.pid, r.pid); /* also in the child: whichever runs first */
	guard_install(r.pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pout[1]);
	close(perr[1]);
	close(prep[1]);
	pout[1] = perr[1] = prep[1] = -1;
	/*
	 * The report pipe closes on a successful execve(), or carries its
	 * errno. It is read in the poll loop, under the timeout: an execve()
	 * can block too (a program on a hung network file system).
	 */
	r.out = pout[0];
	r.err = perr[0];
	r.rep = prep[0];
	pout[0] = perr[0] = prep[0] = -1;
	set_nonblock(r.out);
	set_nonblock(r.err);
	set_nonblock(r.rep);
	r.pidfd = (int)syscall(SYS_pidfd_open, r.pid, 0);
	if (supervise(ctx, &r, t0, timeout_ms, st->grace_ms) < 0)
		ret = -1;
	reap(&r);
	guard_remove();
	if (r.child_errno) {
		end.error = strerror(r.child_errno);
		strbuf_addf(&note, "cannot execute '%s'", prog);
	} else {
		describe_end(&note, &r, prog, timeout_ms);
	}
	if (ret < 0)
		goto out;
	end.exit_status = r.status != -1 && WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
	end.timed_out = r.timed_out;
	end.truncated = r.out_truncated;
	end.source_bytes = r.source_bytes;
	end.stderr_text = r.errbuf.len ? r.errbuf.buf : NULL;
end:
	end.note = note.len ? note.buf : NULL;
	end.seconds = collect_monotonic() - t0;
	if (collect_end(ctx, &end) < 0) {
		ret = -1;
		goto out;
	}
	if (r.timed_out)
		collect_entry_failed(ctx, end.seconds, "'%s' timed out after %.1fs and was killed",
				     argv[0], (double)timeout_ms / 1000);
out:
	for (int i = 0; i < 2; i++) {
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
		if (prep[i] >= 0)
			close(prep[i]);
	}
	if (r.out >= 0)
		close(r.out);
	if (r.err >= 0)
		close(r.err);
	if (r.rep >= 0)
		close(r.rep);
	if (r.pidfd >= 0)
		close(r.pidfd);
	strbuf_release(&r.errbuf);
	strbuf_release(&note);
	strbuf_release(&source);
	strv_free(argv);
	strv_free(env);
	free(prog);
	free(path);
	return ret;
}

const struct collector collector_command = {
	.name = "command",
	.kind = SPEC_COMMAND,
	.collect = command_collect,
};

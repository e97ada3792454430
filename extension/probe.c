/*-------------------------------------------------------------------------
 *
 * probe.c
 *	  Whether the servers of some shards answer a new connection in time.
 *
 * When a call on a router is cancelled (its statement_timeout, a user's
 * cancel), PL/Proxy sends each shard it waits for a cancel request with
 * libpq's PQcancel, which blocks until the shard's postmaster has read the
 * request and closed the connection: for a shard whose server is stopped
 * while its host still completes TCP handshakes (a paused container, a
 * frozen postmaster), forever, and for a host that drops packets, for the
 * kernel's connect timeout.  router.c asks here first.
 *
 * A server answers when it reacts to the first message of a connection:
 * each address of a shard's connection string (a numeric hostaddr or host,
 * or a Unix socket directory; a host name is not looked up here, as a look
 * up can wait as long, and its shard is left to PL/Proxy) is sent an
 * SSLRequest, and the server's one-byte reply (or its closing the
 * connection, or its refusing it) is an answer; a connection still pending
 * or unanswered at the deadline is not.  The probe then closes the
 * connection: a server that accepted SSL notes a connection closed during
 * its handshake in its log, one that did not notes nothing.
 *
 * This runs while an error is being raised (in an error context callback):
 * it reads no catalog, raises no error and takes no lock.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "storage/fd.h"

#include "medium_assoc.h"

/* at most this many addresses are asked; the others count as answering */
#define MAX_PROBES 64

/* the first message of a connection asking for SSL (protocol 1234.5679) */
#define SSL_REQUEST_CODE ((1234 << 16) | 5679)

/* where one probe of one address stands */
typedef enum ProbeState
{
	PROBE_CONNECTING,
	PROBE_WAITING,				/* request sent, waiting for the reply */
	PROBE_ANSWERED,
	PROBE_SILENT				/* could not even start: treat as silent */
} ProbeState;

typedef struct Probe
{
	int			fd;
	bool		counted;		/* fd.c counts it (AcquireExternalFD) */
	ProbeState	state;
} Probe;

/* the addresses of one connection string (libpq's keywords) */
typedef struct ConnTarget
{
	char		host[256];
	char		hostaddr[256];
	char		port[64];
} ConnTarget;

/*
 * parse_conninfo
 *		host, hostaddr and port of a "key=value key='va lue'" string; the
 *		other keywords are skipped.  false if it does not parse.
 */
static bool
parse_conninfo(const char *s, ConnTarget *t)
{
	memset(t, 0, sizeof(ConnTarget));
	while (*s)
	{
		char		key[32];
		char		value[256];
		int			klen = 0;
		int			vlen = 0;
		char	   *dest;
		size_t		size;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		while (*s && *s != '=' && *s != ' ' && klen < (int) sizeof(key) - 1)
			key[klen++] = *s++;
		key[klen] = '\0';
		while (*s == ' ')
			s++;
		if (*s++ != '=')
			return false;
		while (*s == ' ')
			s++;
		if (*s == '\'')
		{
			for (s++; *s && *s != '\''; s++)
			{
				if (*s == '\\' && s[1] != '\0')
					s++;
				if (vlen >= (int) sizeof(value) - 1)
					return false;
				value[vlen++] = *s;
			}
			if (*s++ != '\'')
				return false;
		}
		else
			while (*s && *s != ' ' && *s != '\t')
			{
				if (vlen >= (int) sizeof(value) - 1)
					return false;
				value[vlen++] = *s++;
			}
		value[vlen] = '\0';

		if (strcmp(key, "host") == 0)
			dest = t->host;
		else if (strcmp(key, "hostaddr") == 0)
			dest = t->hostaddr;
		else if (strcmp(key, "port") == 0)
			dest = t->port;
		else
			continue;
		size = dest == t->port ? sizeof(t->port) : sizeof(t->host);
		if (vlen >= size)
			return false;
		memcpy(dest, value, vlen + 1);
	}
	return true;
}

/* the number of elements of a comma-separated list */
static int
list_length_of(const char *list)
{
	int			n = 1;

	for (; *list; list++)
		if (*list == ',')
			n++;
	return n;
}

/*
 * nth_item
 *		The i-th element of a comma-separated list into buf (the only one
 *		for every i when the list has one), or false.
 */
static bool
nth_item(const char *list, int i, char *buf, size_t size)
{
	const char *start = list;
	const char *comma;
	int			n = 0;

	if (strchr(list, ',') == NULL)
	{
		strlcpy(buf, list, size);
		return true;
	}
	for (;;)
	{
		comma = strchr(start, ',');
		if (n == i)
		{
			size_t		len = comma ? (size_t) (comma - start) : strlen(start);

			if (len >= size)
				return false;
			memcpy(buf, start, len);
			buf[len] = '\0';
			return true;
		}
		if (comma == NULL)
			return false;
		start = comma + 1;
		n++;
	}
}

/*
 * start_probe
 *		Open a non-blocking connection to one address and, if it is made at
 *		once, send the request.
 */
static void
start_probe(Probe *p, int family, const struct sockaddr *addr, socklen_t len)
{
	p->fd = -1;
	p->state = PROBE_SILENT;
	p->counted = AcquireExternalFD();
	if (!p->counted)
		return;
	p->fd = socket(family, SOCK_STREAM, 0);
	if (p->fd < 0 || !pg_set_noblock(p->fd))
		return;
	if (connect(p->fd, addr, len) == 0 || errno == EINPROGRESS)
		p->state = PROBE_CONNECTING;	/* sent once poll says writable */
	else if (errno != EAGAIN)
		p->state = PROBE_ANSWERED;	/* refused: a cancel would fail fast */

	/*
	 * else EAGAIN: a Unix socket's backlog is full (a cancel request would
	 * wait), or no local port is left: silent either way
	 */
}

/*
 * probe_events
 *		Move a probe on after poll() reported events on it.
 */
static void
probe_events(Probe *p, short revents)
{
	if (p->state == PROBE_CONNECTING && (revents & (POLLOUT | POLLERR | POLLHUP)))
	{
		int			err = 0;
		socklen_t	errlen = sizeof(err);
		uint32		request[2];

		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0 || err != 0)
		{
			p->state = PROBE_ANSWERED;	/* refused or unreachable: fast */
			return;
		}
		request[0] = pg_hton32(8);
		request[1] = pg_hton32(SSL_REQUEST_CODE);
		if (send(p->fd, request, sizeof(request), MSG_NOSIGNAL) != sizeof(request))
			p->state = PROBE_ANSWERED;
		else
			p->state = PROBE_WAITING;
	}
	else if (p->state == PROBE_WAITING && (revents & (POLLIN | POLLERR | POLLHUP)))
		p->state = PROBE_ANSWERED;	/* a reply byte, or the end */
}

/*
 * add_target_probes
 *		Start a probe for each address of one connection string, every host
 *		of its list (numeric addresses and socket directories).  Returns the
 *		number of probes started in probes[from..].
 */
static int
add_target_probes(const ConnTarget *t, Probe *probes, int from, int max)
{
	const char *hosts = t->hostaddr[0] ? t->hostaddr : t->host;
	const char *ports = t->port;
	int			n = 0;

	if (hosts[0] == '\0')
	{
		hosts = getenv("PGHOST");
		if (hosts == NULL || hosts[0] == '\0')
			hosts = DEFAULT_PGSOCKET_DIR;
	}
	if (ports[0] == '\0')
	{
		ports = getenv("PGPORT");
		if (ports == NULL || ports[0] == '\0')
			ports = DEF_PGPORT_STR;
	}
	for (int i = 0; i < list_length_of(hosts); i++)
	{
		char		host[256];
		char		port[64];

		if (!nth_item(hosts, i, host, sizeof(host)) ||
			!nth_item(ports, i, port, sizeof(port)))
			break;
		if (host[0] == '/' || host[0] == '@')
		{
			struct sockaddr_un un;
			socklen_t	len;

			if (from + n >= max)
				break;
			memset(&un, 0, sizeof(un));
			un.sun_family = AF_UNIX;
			snprintf(un.sun_path, sizeof(un.sun_path), "%s/.s.PGSQL.%s",
					 host, port);
			/* as libpq: the name's length, which is all of an abstract one */
			len = offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path);
			if (host[0] == '@')
				un.sun_path[0] = '\0';	/* abstract namespace */
			start_probe(&probes[from + n++], AF_UNIX,
						(struct sockaddr *) &un, len);
		}
		else
		{
			struct addrinfo hints;
			struct addrinfo *res;

			/* numeric only: no name lookup, which can wait, in this path */
			memset(&hints, 0, sizeof(hints));
			hints.ai_family = AF_UNSPEC;
			hints.ai_socktype = SOCK_STREAM;
			hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
			if (getaddrinfo(host, port, &hints, &res) != 0)
				continue;
			for (struct addrinfo *ai = res; ai != NULL && from + n < max;
				 ai = ai->ai_next)
				start_probe(&probes[from + n++], ai->ai_family, ai->ai_addr,
							ai->ai_addrlen);
			freeaddrinfo(res);
		}
	}
	return n;
}

/* milliseconds on a monotonic clock */
static int64
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * ma_servers_answer
 *		Does the server of every connection string (libpq's syntax; host,
 *		hostaddr and port are read) answer a new connection within
 *		timeout_ms?  What cannot be probed (a string that does not parse, a
 *		host name) counts as answering: its shard is left to PL/Proxy.
 */
bool
ma_servers_answer(char *const *conninfos, int n, int timeout_ms)
{
	const int	max = MAX_PROBES;
	Probe		probes[MAX_PROBES];
	struct pollfd pfds[MAX_PROBES];
	int			nprobes = 0;
	int64		deadline = now_ms() + timeout_ms;
	bool		all = true;

	for (int i = 0; i < n; i++)
	{
		ConnTarget	t;

		if (parse_conninfo(conninfos[i], &t))
			nprobes += add_target_probes(&t, probes, nprobes, max);
	}

	for (;;)
	{
		int			npfds = 0;
		int64		left = deadline - now_ms();

		for (int i = 0; i < nprobes; i++)
			if (probes[i].state == PROBE_CONNECTING ||
				probes[i].state == PROBE_WAITING)
			{
				pfds[npfds].fd = probes[i].fd;
				pfds[npfds].events = probes[i].state == PROBE_CONNECTING ?
					POLLOUT : POLLIN;
				pfds[npfds].revents = 0;
				npfds++;
			}
		if (npfds == 0 || left <= 0)
			break;
		if (poll(pfds, npfds, (int) left) < 0 && errno != EINTR)
			break;
		npfds = 0;
		for (int i = 0; i < nprobes; i++)
			if (probes[i].state == PROBE_CONNECTING ||
				probes[i].state == PROBE_WAITING)
				probe_events(&probes[i], pfds[npfds++].revents);
	}

	for (int i = 0; i < nprobes; i++)
	{
		if (probes[i].state != PROBE_ANSWERED)
			all = false;
		if (probes[i].fd >= 0)
			close(probes[i].fd);
		if (probes[i].counted)
			ReleaseExternalFD();
	}
	return all;
}

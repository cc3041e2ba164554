/* IPv4 addresses as text (inet_pton, inet_ntop, inet_aton, inet_addr,
 * inet_ntoa) and getaddrinfo: numeric addresses and "localhost" here,
 * other names by the network server's DNS resolver (net_glue.c). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net_glue.h"

/* inet_pton's form: exactly four decimal numbers 0-255, no leading zeros. */
static int dotted_quad(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part && *s++ != '.')
			return 0;
		while (isdigit((unsigned char)*s) && digits < 4) {
			if (digits && v == 0)
				return 0; /* a leading zero */
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || v > 255)
			return 0;
		a = a << 8 | v;
	}
	if (*s)
		return 0;
	*out = a;
	return 1;
}

int inet_pton(int af, const char *src, void *dst)
{
	uint32_t a;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (!dotted_quad(src, &a))
		return 0;
	a = htonl(a);
	memcpy(dst, &a, sizeof(a));
	return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	const unsigned char *b = src;
	char text[INET_ADDRSTRLEN];
	int n;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	n = snprintf(text, sizeof(text), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (n < 0 || (socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, text, (size_t)n + 1);
	return dst;
}

/* inet_aton's forms: a, a.b, a.b.c, a.b.c.d, each part decimal, octal
 * (leading 0) or hex (0x), the last one filling the bytes left. */
int inet_aton(const char *cp, struct in_addr *inp)
{
	unsigned long part[4];
	int n = 0;
	uint32_t a;

	for (;;) {
		char *end;

		if (!isdigit((unsigned char)*cp) || n == 4)
			return 0;
		part[n++] = strtoul(cp, &end, 0);
		cp = end;
		if (*cp != '.')
			break;
		cp++;
	}
	if (*cp && !isspace((unsigned char)*cp))
		return 0;
	for (int i = 0; i < n - 1; i++)
		if (part[i] > 255)
			return 0;
	if (part[n - 1] > (0xFFFFFFFFUL >> (8 * (n - 1))))
		return 0;
	a = (uint32_t)part[n - 1];
	for (int i = 0; i < n - 1; i++)
		a |= (uint32_t)part[i] << (24 - 8 * i);
	if (inp)
		inp->s_addr = htonl(a);
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char text[INET_ADDRSTRLEN];

	return (char *)inet_ntop(AF_INET, &in, text, sizeof(text));
}

/* An address and port as one result, with the socket type. */
static struct addrinfo *result(uint32_t addr, uint16_t port, int socktype, const char *canon)
{
	struct {
		struct addrinfo ai;
		struct sockaddr_in sin;
	} *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->sin.sin_family = AF_INET;
	r->sin.sin_port = htons(port);
	r->sin.sin_addr.s_addr = addr;
	r->ai.ai_family = AF_INET;
	r->ai.ai_socktype = socktype;
	r->ai.ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	r->ai.ai_addrlen = sizeof(r->sin);
	r->ai.ai_addr = (struct sockaddr *)&r->sin;
	if (canon && !(r->ai.ai_canonname = strdup(canon))) {
		free(r);
		return NULL;
	}
	return &r->ai;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h = hints ? *hints : (struct addrinfo){ 0 }, *first = NULL, **tail = &first;
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	unsigned long port = 0;
	struct in_addr a;
	int e;

	if (!node && !service)
		return EAI_NONAME;
	if (h.ai_family != AF_UNSPEC && h.ai_family != AF_INET)
		return EAI_FAMILY;
	if (h.ai_socktype != 0 && h.ai_socktype != SOCK_STREAM && h.ai_socktype != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	if (service) {
		char *end;

		port = strtoul(service, &end, 10);
		if (!*service || *end || port > 65535)
			return h.ai_flags & AI_NUMERICSERV ? EAI_NONAME : EAI_SERVICE; /* no service names */
	}
	if (!node)
		a.s_addr = htonl(h.ai_flags & AI_PASSIVE ? INADDR_ANY : INADDR_LOOPBACK);
	else if (strcasecmp(node, "localhost") == 0 && !(h.ai_flags & AI_NUMERICHOST))
		a.s_addr = htonl(INADDR_LOOPBACK);
	else if (!inet_aton(node, &a) && (h.ai_flags & AI_NUMERICHOST))
		return EAI_NONAME;
	else if (!inet_aton(node, &a) && (e = net_glue_resolve(node, &a.s_addr)) != 0)
		return e;
	for (unsigned i = 0; i < 2; i++) {
		if (h.ai_socktype && h.ai_socktype != types[i])
			continue;
		if (!(*tail = result(a.s_addr, (uint16_t)port, types[i],
		                     (h.ai_flags & AI_CANONNAME) && !first ? (node ? node : "localhost")
		                                                           : NULL))) {
			freeaddrinfo(first);
			return EAI_MEMORY;
		}
		tail = &(*tail)->ai_next;
	}
	*res = first;
	return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
	while (res) {
		struct addrinfo *next = res->ai_next;

		free(res->ai_canonname);
		free(res); /* its sockaddr_in is in the same block */
		res = next;
	}
}

const char *gai_strerror(int err)
{
	switch (err) {
	case 0:
		return "Success";
	case EAI_BADFLAGS:
		return "Bad value for ai_flags";
	case EAI_NONAME:
		return "Name or service not known";
	case EAI_AGAIN:
		return "Temporary failure in name resolution";
	case EAI_FAIL:
		return "Non-recoverable failure in name resolution";
	case EAI_FAMILY:
		return "ai_family not supported";
	case EAI_SOCKTYPE:
		return "ai_socktype not supported";
	case EAI_SERVICE:
		return "Servname not supported for ai_socktype";
	case EAI_MEMORY:
		return "Memory allocation failure";
	case EAI_SYSTEM:
		return "System error";
	default:
		return "Unknown error";
	}
}

/* floor-threads.c -- the star workload of shared/bench/floor.c, on two threads.
 *
 * The question it answers: can a second CPU build the star faster than one thread talking
 * rtnetlink directly (the floor)? If this program is not faster than the floor on a machine,
 * no tool that splits the same work over two threads (nsnet's `up --workers 2`, or namespaces
 * made ahead on a worker thread) can beat the floor there either.
 *
 *   main thread:  bridge pt-br0 (up) in the root namespace; then for i = 1..N, as soon as the
 *                 other thread has made namespace i: veth ptv<i>b (master pt-br0, up) with its
 *                 peer ptv<i>a in namespace i; in namespace i (through the socket the other
 *                 thread opened there): the peer's ifindex, 10.0.x.y/16, the peer up, lo up.
 *   maker thread: for i = 1..N: unshare(CLONE_NEWNET), [--noipv6: disable_ipv6 for all and
 *                 default], bind-mount at /run/netns/pt-h<i>, a netlink socket inside, back home.
 *   verify:       ping -c1 from h1 to hN.
 *   teardown:     unmount and unlink every /run/netns entry, close the fds, delete the bridge,
 *                 then wait until no pt* device is left in the root namespace.
 *
 * Every request waits for its ACK, as in floor.c. Prints one JSON line with the same fields as
 * floor.c's (build, verify_ok, teardown_settled), plus the seconds the main thread waited for
 * the maker thread. Not a copy of floor.c: only the workload and the output fields are shared.
 *
 * usage: floor-threads N [--noipv6]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double clock_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void fail(const char *what, int i) {
    fprintf(stderr, "floor-threads: %s (host %d): %s\n", what, i, strerror(errno));
    exit(2);
}

/* ---- a request buffer and its attributes ---- */
typedef struct {
    char b[1024] __attribute__((aligned(4)));
} msg_t;

static struct nlmsghdr *hdr(msg_t *m) { return (struct nlmsghdr *)m->b; }

static void *start(msg_t *m, unsigned short type, unsigned short flags, size_t body) {
    memset(m->b, 0, sizeof(m->b));
    hdr(m)->nlmsg_len = NLMSG_LENGTH(body);
    hdr(m)->nlmsg_type = type;
    hdr(m)->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    return NLMSG_DATA(hdr(m));
}

static struct rtattr *put(msg_t *m, unsigned short type, const void *v, size_t len) {
    struct rtattr *a = (struct rtattr *)(m->b + NLMSG_ALIGN(hdr(m)->nlmsg_len));
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len) memcpy(RTA_DATA(a), v, len);
    hdr(m)->nlmsg_len = NLMSG_ALIGN(hdr(m)->nlmsg_len) + RTA_ALIGN(a->rta_len);
    return a;
}

static void close_nest(msg_t *m, struct rtattr *a) { a->rta_len = (unsigned short)(m->b + hdr(m)->nlmsg_len - (char *)a); }

/* Send, then read until the ACK: 0 or -errno; *index gets the ifindex of a RTM_NEWLINK answer. */
static int ask(int fd, msg_t *m, int *index) {
    static _Thread_local unsigned seq;
    hdr(m)->nlmsg_seq = ++seq;
    if (send(fd, m->b, hdr(m)->nlmsg_len, 0) < 0) return -errno;
    char r[8192] __attribute__((aligned(4)));
    for (;;) {
        ssize_t n = recv(fd, r, sizeof(r), 0);
        if (n < 0) return -errno;
        for (struct nlmsghdr *h = (struct nlmsghdr *)r; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != seq) continue;
            if (h->nlmsg_type == NLMSG_ERROR) return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
            if (h->nlmsg_type == RTM_NEWLINK && index) *index = ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
        }
    }
}

static void must(int err, const char *what, int i) {
    if (err) {
        errno = -err;
        fail(what, i);
    }
}

static int rtnl(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) fail("netlink socket", 0);
    return fd;
}

static int set_up(int fd, int index) {
    msg_t m;
    struct ifinfomsg *ifi = start(&m, RTM_NEWLINK, 0, sizeof(*ifi));
    ifi->ifi_index = index;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    return ask(fd, &m, NULL);
}

static int del_link(int fd, const char *name) {
    msg_t m;
    start(&m, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
    put(&m, IFLA_IFNAME, name, strlen(name) + 1);
    return ask(fd, &m, NULL);
}

/* ---- the namespaces, made by the second thread ---- */
static int hosts, noipv6;
static int *ns_fd, *ns_sock;
static atomic_int made;

static void *maker(void *unused) {
    (void)unused;
    int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0) fail("open home namespace", 0);
    for (int i = 1; i <= hosts; i++) {
        if (unshare(CLONE_NEWNET) < 0) fail("unshare", i);
        if (noipv6) {
            const char *keys[] = {"/proc/sys/net/ipv6/conf/all/disable_ipv6", "/proc/sys/net/ipv6/conf/default/disable_ipv6"};
            for (int k = 0; k < 2; k++) {
                int f = open(keys[k], O_WRONLY | O_CLOEXEC);
                if (f < 0 || write(f, "1", 1) != 1) fail(keys[k], i);
                close(f);
            }
        }
        char path[64];
        snprintf(path, sizeof(path), "/run/netns/pt-h%d", i);
        int f = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
        if (f < 0) fail(path, i);
        close(f);
        if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) fail("bind-mount", i);
        ns_fd[i] = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (ns_fd[i] < 0) fail("open namespace", i);
        ns_sock[i] = rtnl();
        if (setns(home, CLONE_NEWNET) < 0) fail("setns home", i);
        atomic_store_explicit(&made, i, memory_order_release);
    }
    close(home);
    return NULL;
}

static int devices_left(void) {
    DIR *d = opendir("/sys/class/net");
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += strncmp(e->d_name, "pt", 2) == 0;
    closedir(d);
    return n;
}

int main(int argc, char **argv) {
    if (argc < 2 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: %s N [--noipv6]\n", argv[0]);
        return 1;
    }
    hosts = atoi(argv[1]);
    noipv6 = argc > 2 && strcmp(argv[2], "--noipv6") == 0;
    ns_fd = calloc((size_t)hosts + 1, sizeof(int));
    ns_sock = calloc((size_t)hosts + 1, sizeof(int));
    double t0 = clock_s();
    /* /run/netns as `ip netns add` leaves it: a shared mount point */
    mkdir("/run/netns", 0755);
    if (mount("", "/run/netns", "none", MS_SHARED | MS_REC, NULL) < 0) {
        if (mount("/run/netns", "/run/netns", "none", MS_BIND | MS_REC, NULL) < 0) fail("bind /run/netns", 0);
        if (mount("", "/run/netns", "none", MS_SHARED | MS_REC, NULL) < 0) fail("share /run/netns", 0);
    }
    int root = rtnl();
    msg_t m;
    {
        struct ifinfomsg *ifi = start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi));
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        put(&m, IFLA_IFNAME, "pt-br0", 7);
        struct rtattr *li = put(&m, IFLA_LINKINFO, NULL, 0);
        put(&m, IFLA_INFO_KIND, "bridge", 6);
        close_nest(&m, li);
        must(ask(root, &m, NULL), "create bridge", 0);
    }
    int br = (int)if_nametoindex("pt-br0");
    if (!br) fail("bridge index", 0);
    pthread_t th;
    if (pthread_create(&th, NULL, maker, NULL) != 0) fail("thread", 0);
    double waited = 0;
    for (int i = 1; i <= hosts; i++) {
        if (atomic_load_explicit(&made, memory_order_acquire) < i) {
            double w = clock_s();
            while (atomic_load_explicit(&made, memory_order_acquire) < i) sched_yield();
            waited += clock_s() - w;
        }
        char a[32], b[32];
        snprintf(a, sizeof(a), "ptv%da", i);
        snprintf(b, sizeof(b), "ptv%db", i);
        struct ifinfomsg *ifi = start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi));
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        put(&m, IFLA_IFNAME, b, strlen(b) + 1);
        put(&m, IFLA_MASTER, &br, 4);
        struct rtattr *li = put(&m, IFLA_LINKINFO, NULL, 0);
        put(&m, IFLA_INFO_KIND, "veth", 4);
        struct rtattr *data = put(&m, IFLA_INFO_DATA, NULL, 0);
        struct rtattr *peer = put(&m, VETH_INFO_PEER, NULL, 0);
        hdr(&m)->nlmsg_len += NLMSG_ALIGN(sizeof(struct ifinfomsg)); /* the peer's ifinfomsg, zero */
        put(&m, IFLA_IFNAME, a, strlen(a) + 1);
        put(&m, IFLA_NET_NS_FD, &ns_fd[i], 4);
        close_nest(&m, peer);
        close_nest(&m, data);
        close_nest(&m, li);
        must(ask(root, &m, NULL), "create veth", i);
        int s = ns_sock[i], idx = 0;
        start(&m, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
        put(&m, IFLA_IFNAME, a, strlen(a) + 1);
        must(ask(s, &m, &idx), "find the peer", i);
        struct ifaddrmsg *ifa = start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = 16;
        ifa->ifa_index = (unsigned)idx;
        unsigned char ip[4] = {10, 0, (unsigned char)((i >> 8) & 255), (unsigned char)(i & 255)};
        put(&m, IFA_LOCAL, ip, 4);
        put(&m, IFA_ADDRESS, ip, 4);
        must(ask(s, &m, NULL), "add address", i);
        must(set_up(s, idx), "peer up", i);
        must(set_up(s, 1), "lo up", i);
        close(s);
    }
    pthread_join(th, NULL);
    double t1 = clock_s();

    char dst[32];
    snprintf(dst, sizeof(dst), "10.0.%d.%d", (hosts >> 8) & 255, hosts & 255);
    pid_t pid = fork();
    if (pid == 0) {
        if (setns(ns_fd[1], CLONE_NEWNET) < 0) _exit(100);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execlp("ping", "ping", "-c1", "-W2", dst, (char *)NULL);
        _exit(101);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;

    double t2 = clock_s();
    for (int i = 1; i <= hosts; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/run/netns/pt-h%d", i);
        if (umount2(path, MNT_DETACH) < 0 || unlink(path) < 0) fail(path, i);
        close(ns_fd[i]);
    }
    must(del_link(root, "pt-br0"), "delete bridge", 0);
    double t3 = clock_s();
    while (devices_left() > 0 && clock_s() - t3 < 300) usleep(1000);
    double t4 = clock_s();
    printf("{\"tool\":\"c-floor-threads%s\",\"n\":%d,\"build\":%.6f,\"verify_ok\":%s,\"teardown_ret\":%.6f,\"teardown_settled\":%.6f,\"main_waited\":%.6f}\n",
           noipv6 ? "-noipv6" : "", hosts, t1 - t0, ok ? "true" : "false", t3 - t2, t4 - t2, waited);
    return ok ? 0 : 4;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_dir.c -- generations, stub and lock of an index directory (see
 * vn_index_dir.h for the layout).  The only place that names those files. */
#include "vn_index_dir.h"
#include "vn_hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

vn_status vn_index_dir_lock(const char *dir, int *fd, vn_error *err)
{
    *fd = -1;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return vn_error_set(err, VN_ERR_IO, "cannot create index directory %s: %s", dir, strerror(errno));
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, VN_LOCK_NAME);
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0)
        return vn_error_set(err, VN_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(f);
        if (e == EWOULDBLOCK)
            return vn_error_set(err, VN_ERR_LOCKED, "index %s is being written by another indexer", dir);
        return vn_error_set(err, VN_ERR_IO, "cannot lock %s: %s", path, strerror(e));
    }
    *fd = f;
    return VN_OK;
}

void vn_index_dir_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing releases the flock */
}

/* The live generation (of the stub's first line) and how many lines
 * name one of its databases (shards); 0 and 0 without a stub. */
static int read_stub(const char *dir, int *nshards)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/%s", dir, VN_STUB_NAME);
    *nshards = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int gen = 0, g;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "glass gen-%d", &g) == 1 && g > 0 && (*nshards)++ == 0)
            gen = g;
    fclose(f);
    return gen;
}

int vn_index_dir_current(const char *dir)
{
    int n;
    return read_stub(dir, &n);
}

void vn_index_dir_gen_path(const char *dir, int gen, char *out, size_t len)
{
    snprintf(out, len, "%s/gen-%06d", dir, gen);
}

void vn_index_dir_tmp_path(const char *dir, int gen, int k, char *out, size_t len)
{
    snprintf(out, len, "%s/tmp-gen-%06d-shard%d", dir, gen, k);
}

void vn_index_dir_remove_gen(const char *dir, int gen)
{
    char path[4096];
    vn_index_dir_gen_path(dir, gen, path, sizeof path);
    vn_index_dir_remove_path(path);
}

void vn_index_dir_remove_path(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char f[4400];
        snprintf(f, sizeof f, "%s/%s", path, e->d_name);
        if (unlink(f) != 0 && errno == EISDIR)
            vn_index_dir_remove_path(f); /* a shard of the generation (glass itself is flat) */
    }
    closedir(d);
    rmdir(path);
}

void vn_index_dir_remove_leftovers(const char *dir)
{
    int current = vn_index_dir_current(dir);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4400];
    while ((e = readdir(d))) {
        int g;
        if (sscanf(e->d_name, "gen-%d", &g) == 1 && g > current) {
            vn_index_dir_remove_gen(dir, g); /* never switched in: no reader has it */
        } else if (strncmp(e->d_name, "tmp-", 4) == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            vn_index_dir_remove_path(path);
        } else if (strlen(e->d_name) > 4 && strcmp(e->d_name + strlen(e->d_name) - 4, ".tmp") == 0) {
            /* a stub half-written: XAPIANDB.tmp, shard-K.tmp */
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Write stub file dir/name (through name.tmp, fsync'd, renamed over):
 * generation `gen`, shard `shard` of nshards (all when shard < 0). */
static int write_stub(const char *dir, const char *name, int gen, int nshards, int shard)
{
    char tmp[4096], stub[4096];
    snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, name);
    snprintf(stub, sizeof stub, "%s/%s", dir, name);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return 0;
    int ok = 1;
    if (nshards <= 1)
        ok = fprintf(f, "glass gen-%06d\n", gen) > 0;
    for (int k = 0; nshards > 1 && k < nshards; k++)
        if (shard < 0 || shard == k)
            ok = fprintf(f, "glass gen-%06d/shard-%d\n", gen, k) > 0 && ok;
    ok = (fflush(f) == 0) && ok && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, stub) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return 0;
    }
    return 1;
}

vn_status vn_index_dir_switch(const char *dir, int gen, int keep, int nshards, vn_error *err)
{
    /* each shard's own stub first (what xapian-tcpsrv and
     * xapian-replicate-server serve), then the index's: its rename is
     * the switch */
    char name[64];
    for (int k = 0; nshards > 1 && k < nshards; k++) {
        snprintf(name, sizeof name, "%s%d", VN_SHARD_STUB_PREFIX, k);
        if (!write_stub(dir, name, gen, nshards, k))
            return vn_error_set(err, VN_ERR_IO, "cannot write %s/%s: %s", dir, name, strerror(errno));
    }
    if (!write_stub(dir, VN_STUB_NAME, gen, nshards, -1))
        return vn_error_set(err, VN_ERR_IO, "cannot switch index %s to generation %d: %s", dir, gen, strerror(errno));
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    /* shard stubs of a layout with more shards than this one */
    for (int k = nshards > 1 ? nshards : 0; k < VN_MAX_SHARDS; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s%d", dir, VN_SHARD_STUB_PREFIX, k);
        unlink(path);
    }
    /* old generations (and leftovers of killed rebuilds) */
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            int g;
            if (sscanf(e->d_name, "gen-%d", &g) == 1 && g != gen && g != keep)
                vn_index_dir_remove_gen(dir, g);
        }
        closedir(d);
    }
    return VN_OK;
}

unsigned long long vn_index_dir_stub_id(const char *dir)
{
    char stub[4096];
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISREG(st.st_mode))
        return (unsigned long long)st.st_ino; /* a stub file of the operator's */
    snprintf(stub, sizeof stub, "%s/%s", dir, VN_STUB_NAME);
    if (stat(stub, &st) != 0)
        return 0;
    return (unsigned long long)st.st_ino;
}

int vn_index_dir_shards(const char *dir)
{
    int n;
    read_stub(dir, &n);
    return n;
}

void vn_index_dir_shard_path(const char *gen_path, int k, char *out, size_t len)
{
    snprintf(out, len, "%s/shard-%d", gen_path, k);
}

unsigned vn_index_dir_shard_of(const char *id, unsigned nshards)
{
    return nshards > 1 ? (unsigned)(vn_hash64(id, strlen(id)) % nshards) : 0;
}

/** Nodes, master and authentication: Linux's drm_auth.c / drm_ioctl.c rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { DrmDevice } from '../src/libdrm/libdrm.js';
import { DRM_IOCTL, DRM_CAP_PRIME, DRM_CAP_SYNCOBJ, DRM_CAP_SYNCOBJ_TIMELINE, DRM_CAP_TIMESTAMP_MONOTONIC, DRM_CAP_DUMB_BUFFER } from '../src/uapi/drm.js';
import { withMachine, FIRMWARES } from './helpers.js';
import { errnoOf, openNode } from './drm-helpers.js';

for (const fw of FIRMWARES) {
  const M = { deterministic: true, firmware: fw } as const;

  test(`VERSION and GET_CAP on both nodes of a render-only device (fw ${fw})`, () => {
    withMachine({ ...M, display: false }, (m) => {
      for (const node of ['card0', 'renderD128'] as const) {
        const d = openNode(m, node);
        const v = d.version();
        assert.equal(v.name, 'akari');
        assert.equal(v.major, 1);
        assert.equal(d.getCap(DRM_CAP_TIMESTAMP_MONOTONIC), 1);
        assert.equal(d.getCap(DRM_CAP_PRIME), 3);
        assert.equal(d.getCap(DRM_CAP_SYNCOBJ), 1);
        assert.equal(d.getCap(DRM_CAP_SYNCOBJ_TIMELINE), 1);
        assert.equal(errnoOf(() => d.getCap(DRM_CAP_DUMB_BUFFER)), Errno.EOPNOTSUPP);
        // drm_getcap: past the core caps a non-KMS device answers EOPNOTSUPP, whatever the number
        assert.equal(errnoOf(() => d.getCap(0x999)), Errno.EOPNOTSUPP);
      }
    });
  });

  test(`render nodes refuse primary-only ioctls with EACCES (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const r = openNode(m, 'renderD128', { capSysAdmin: true });
      const h = r.akariGemCreate(PAGE_SZ);
      assert.equal(errnoOf(() => r.getMagic()), Errno.EACCES);
      assert.equal(errnoOf(() => r.authMagic(1)), Errno.EACCES);
      assert.equal(errnoOf(() => r.setMaster()), Errno.EACCES);
      assert.equal(errnoOf(() => r.dropMaster()), Errno.EACCES);
      assert.equal(errnoOf(() => r.gemFlink(h)), Errno.EACCES);
      assert.equal(errnoOf(() => r.gemOpen(1)), Errno.EACCES);
      assert.equal(errnoOf(() => r.setClientCap(1, 1)), Errno.EACCES);
      assert.equal(errnoOf(() => r.ioctl(DRM_IOCTL.GET_UNIQUE, {})), Errno.EACCES);
      assert.equal(errnoOf(() => r.ioctl(DRM_IOCTL.GET_CLIENT, {})), Errno.EACCES);
      // the gate runs before argument checks: a bad handle still answers EACCES
      assert.equal(errnoOf(() => r.gemFlink(9999)), Errno.EACCES);
    });
  });

  test(`first opener of card0 is master; SET/DROP_MASTER rules (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'card0');
      const b = openNode(m, 'card0');
      assert.equal(a.isAuthenticated(), true, 'the master is authenticated');
      assert.equal(b.isAuthenticated(), false);
      a.setMaster(); // already master: no-op
      // b never was master and has no CAP_SYS_ADMIN
      assert.equal(errnoOf(() => b.setMaster()), Errno.EACCES);
      assert.equal(errnoOf(() => b.dropMaster()), Errno.EACCES);
      a.dropMaster();
      assert.equal(errnoOf(() => a.dropMaster()), Errno.EINVAL, 'not the current master any more');
      assert.equal(errnoOf(() => b.setMaster()), Errno.EACCES, 'still needs was_master or CAP_SYS_ADMIN');
      a.setMaster(); // was_master and same pid
      // root may take master, but not while another master exists
      const root = openNode(m, 'card0', { capSysAdmin: true });
      assert.equal(root.isAuthenticated(), true, 'root is always authenticated');
      assert.equal(errnoOf(() => root.setMaster()), Errno.EBUSY);
      assert.equal(errnoOf(() => root.dropMaster()), Errno.EINVAL);
      a.close();
      root.setMaster();
      assert.equal(errnoOf(() => openNode(m, 'card0').setMaster()), Errno.EACCES);
    });
  });

  test(`was_master is bound to the opener's pid: a passed fd cannot SET_MASTER (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'card0');
      a.dropMaster();
      const other = m.spawn();
      const fd = a.sys.sendFd(a.fd, other);
      const passed = new DrmDevice(other, fd);
      assert.equal(errnoOf(() => passed.setMaster()), Errno.EACCES);
      a.setMaster();
      assert.equal(errnoOf(() => passed.dropMaster()), Errno.EACCES);
    });
  });

  test(`GET_MAGIC / AUTH_MAGIC (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const master = openNode(m, 'card0');
      const client = openNode(m, 'card0');
      const h = client.akariGemCreate(PAGE_SZ);
      assert.equal(errnoOf(() => client.gemFlink(h)), Errno.EACCES, 'FLINK needs authentication');
      const magic = client.getMagic();
      assert.ok(magic >= 1);
      assert.equal(client.getMagic(), magic, 'the same magic on every call');
      assert.equal(errnoOf(() => client.authMagic(magic)), Errno.EACCES, 'AUTH_MAGIC needs master');
      assert.equal(errnoOf(() => master.authMagic(magic + 100)), Errno.EINVAL, 'unknown magic');
      master.authMagic(magic);
      assert.equal(client.isAuthenticated(), true);
      assert.equal(errnoOf(() => master.authMagic(magic)), Errno.EINVAL, 'a magic works once');
      assert.ok(client.gemFlink(h) >= 1);
      // a magic issued under another master is not found
      master.dropMaster();
      const root = openNode(m, 'card0', { capSysAdmin: true });
      root.setMaster(); // a new master object: client's magic belongs to the old one
      assert.equal(errnoOf(() => root.authMagic(magic)), Errno.EINVAL);
      const late = openNode(m, 'card0');
      const lm = late.getMagic();
      root.authMagic(lm);
      assert.equal(late.isAuthenticated(), true);
    });
  });

  test(`SET_CLIENT_CAP on a device without KMS (fw ${fw})`, () => {
    withMachine({ ...M, display: false }, (m) => {
      const d = openNode(m, 'card0');
      for (const cap of [1, 2, 3, 4, 5, 6, 99]) assert.equal(errnoOf(() => d.setClientCap(cap, 1)), Errno.EOPNOTSUPP);
      assert.equal(errnoOf(() => d.ioctl(DRM_IOCTL.GET_CLIENT, { idx: 1 })), Errno.EINVAL);
    });
  });
}
const PAGE_SZ = 16384;

/**
 * Linux ioctl request encoding (include/uapi/asm-generic/ioctl.h):
 * nr in bits 0-7, type in 8-15, size in 16-29, direction in 30-31
 * (1 = _IOW, user writes; 2 = _IOR, user reads; 3 = both).
 */
export const IOC_NONE = 0, IOC_WRITE = 1, IOC_READ = 2;
export const DRM_IOCTL_BASE = 0x64; // 'd'
export const DRM_COMMAND_BASE = 0x40;
export const DRM_COMMAND_END = 0xa0;

export function IOC(dir: number, type: number, nr: number, size: number): number {
  return ((dir << 30) | (size << 16) | (type << 8) | nr) >>> 0;
}
export const IO = (nr: number) => IOC(IOC_NONE, DRM_IOCTL_BASE, nr, 0);
export const IOR = (nr: number, size: number) => IOC(IOC_READ, DRM_IOCTL_BASE, nr, size);
export const IOW = (nr: number, size: number) => IOC(IOC_WRITE, DRM_IOCTL_BASE, nr, size);
export const IOWR = (nr: number, size: number) => IOC(IOC_READ | IOC_WRITE, DRM_IOCTL_BASE, nr, size);

export const iocDir = (req: number) => (req >>> 30) & 3;
export const iocType = (req: number) => (req >>> 8) & 0xff;
export const iocNr = (req: number) => req & 0xff;
export const iocSize = (req: number) => (req >>> 16) & 0x3fff;

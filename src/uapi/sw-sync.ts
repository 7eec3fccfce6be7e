/**
 * sw_sync, Linux's software fence timeline for tests (drivers/dma-buf/
 * sw_sync.c, the layout IGT and Android's libsync use): opening
 * <debugfs>/sync/sw_sync makes a timeline whose counter only its owner
 * advances; CREATE_FENCE gives a sync_file that signals when the counter
 * reaches `value`, INC advances the counter. Root only (debugfs).
 */
import { cstruct } from './cstruct.js';
import { IOC, IOC_READ, IOC_WRITE } from './ioctl.js';

export const SW_SYNC_PATH = '/sys/kernel/debug/sync/sw_sync';
export const SW_SYNC_IOC_MAGIC = 0x57; // 'W'
/** struct sw_sync_create_fence_data: value, char name[32], s32 fence (40 bytes) */
export const sw_sync_create_fence_data = cstruct('sw_sync_create_fence_data', [['value', 'u32'], ['name', 'u8', 32], ['fence', 's32']]);
export const SW_SYNC_IOC_CREATE_FENCE = IOC(IOC_READ | IOC_WRITE, SW_SYNC_IOC_MAGIC, 0, sw_sync_create_fence_data.size);
export const SW_SYNC_IOC_INC = IOC(IOC_WRITE, SW_SYNC_IOC_MAGIC, 1, 4);

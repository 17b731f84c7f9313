/**
 * S3 StorageDriver through @aws-sdk/client-s3. A PutObject that has returned
 * success is durable (the object store's acknowledgement) and replaces the
 * object atomically, which is what StorageDriver.writeAll promises.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StorageDriver, StoredObject } from './storage.js';

export class S3Storage implements StorageDriver {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    /** Key prefix, e.g. "logs/audit/" (may be empty). */
    private readonly prefix = '',
  ) {}

  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + path }));
      return res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async writeAll(objects: readonly StoredObject[]): Promise<void> {
    await Promise.all(
      objects.map((o) => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + o.path, Body: o.data }))),
    );
  }
}

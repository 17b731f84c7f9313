/**
 * Blob store in an S3 bucket (or any S3-compatible endpoint), under a key
 * prefix. A PutObject is atomic and durable once acknowledged, which is what
 * BlobStore promises. Credentials come from the SDK's default chain
 * (environment, profile, instance role), never from keyhole's own config.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fail } from '../core/errors.js';
import { checkBlobKey, type BlobStore, type ByteRange } from './blob-store.js';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Key prefix without leading or trailing slash; empty for the bucket's root. */
  prefix: string;
  /** An S3-compatible endpoint (MinIO, moto, ...); AWS itself when absent. */
  endpoint?: string;
  region?: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class S3BlobStore implements BlobStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3BlobStoreOptions) {
    if (!BUCKET.test(options.bucket)) fail('BAD_FORMAT', `S3 bucket "${options.bucket}" is not a valid bucket name (3-63 of a-z 0-9 . -)`);
    if (options.prefix !== '') checkBlobKey(options.prefix);
    this.bucket = options.bucket;
    this.prefix = options.prefix === '' ? '' : `${options.prefix}/`;
    this.location = `s3://${options.bucket}/${options.prefix}`;
    this.client = new S3Client({
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
    });
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + checkBlobKey(key), Body: data, ContentLength: data.length }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + checkBlobKey(key) }));
      if (out.Body === undefined) return new Uint8Array(0);
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async stream(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + checkBlobKey(key), ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end}` }) }),
      );
      if (out.Body === undefined) return new Blob([]).stream();
      return out.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  close(): void {
    this.client.destroy();
  }
}

/** Turns a `--blobs` argument (a directory, or s3://bucket/prefix) into a BlobStore. */
import { FileBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';
import type { BlobStore } from './blob-store.js';

export interface BlobStoreLocationOptions {
  /** S3-compatible endpoint for s3:// locations. */
  s3Endpoint?: string;
}

export function openBlobStore(location: string, options: BlobStoreLocationOptions = {}): BlobStore {
  if (location.startsWith('s3://')) {
    const rest = location.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    return new S3BlobStore({ bucket, prefix, ...(options.s3Endpoint === undefined ? {} : { endpoint: options.s3Endpoint }) });
  }
  return new FileBlobStore(location);
}

/** What the gatekeeper tells the app it serves: where the hub is, and the hash of the bundle it was built as. */
import { z } from 'zod';

export const WorkstationConfig = z
  .object({
    hub: z.string().url(),
    gatekeeper: z.string().url(),
    /** hex SHA-256 of index.html as built (build.ts); the app recomputes it from what it was served. */
    bundle: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type WorkstationConfig = z.infer<typeof WorkstationConfig>;

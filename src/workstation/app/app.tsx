/**
 * The workstation shell: start-up checks (configuration, bundle hash),
 * sign-in, device keys and registration, campaign choice, then the task
 * screen. Failures that end the session (signed out, suspended) come back
 * here and replace everything, dropping any open item.
 */
import { useEffect, useState } from 'preact/hooks';
import { webCryptoPrimitives } from '../../core/webcrypto-primitives.js';
import { WorkstationConfig } from '../config.js';
import { registration, type DeviceKeys } from '../device-keys.js';
import { WorkstationError } from '../errors.js';
import { HttpGatekeeperClient, type Enrolled } from '../http-gatekeeper-client.js';
import { HttpHubClient, type Session } from '../hub-client.js';
import { loadCampaigns, type Campaign, type Workbench } from '../task-loop.js';
import { servedBundleHash } from './bundle-hash.js';
import { loadOrCreateDevice } from './device-store.js';
import { FailureCard, KeptText } from './failure-view.js';
import { useFocusOnChange } from './focus.js';
import { INVITATION_CODE, takeInvitation } from './invitation.js';
import { loadProgress, storeProgress } from './progress-store.js';
import { loadSession, storeSession } from './session-store.js';
import { TaskScreen, type Progress } from './task-screen.js';
import { useKeys } from './use-keys.js';

const TASK_NAMES: Record<string, string> = { pairwise: 'Pairwise preference', ranking: 'Ranking', rubric: 'Rubric ratings', 'sft-rewrite': 'Ideal response', 'safety-flags': 'Safety flags' };

type Screen =
  | { kind: 'starting' }
  | { kind: 'broken'; message: string }
  | { kind: 'sign-in'; error?: WorkstationError; typed?: string; refused?: boolean }
  | { kind: 'enrolled'; bench: Workbench; session: Session; enrolled: Enrolled }
  | { kind: 'campaigns'; bench: Workbench; session: Session; campaigns: Campaign[]; refused: string[] }
  | { kind: 'work'; bench: Workbench; session: Session; campaign: Campaign }
  | { kind: 'stopped'; error: WorkstationError; typed?: string };

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

async function startBench(config: WorkstationConfig, session: Session): Promise<Workbench> {
  const hub = new HttpHubClient(config.hub, session);
  const { device } = await loadOrCreateDevice(session.annotator);
  const registered = await hub.registerDevice(registration(device));
  if (registered !== device.id) throw new WorkstationError('refused', 'The hub registered this device under another id; stopping.');
  return { p: webCryptoPrimitives, hub, gatekeeper: new HttpGatekeeperClient(config.gatekeeper, webCryptoPrimitives, nowSeconds), device, now: nowSeconds };
}

function short(hex: string): string {
  return `${hex.slice(0, 8)}…${hex.slice(-4)}`;
}

export function App() {
  const [config, setConfig] = useState<WorkstationConfig>();
  const [bundle, setBundle] = useState<string>();
  const [screen, setScreen] = useState<Screen>({ kind: 'starting' });
  // The lab's invitation from the link, if any: redeemed once this browser's device is registered.
  const [invite, setInvite] = useState<string | undefined>(takeInvitation);
  // This tab's submitted and skipped items, per campaign (lab/campaign): shown on the list and in the task.
  const [progress, setProgress] = useState<Record<string, Progress>>(loadProgress);
  useEffect(() => storeProgress(progress), [progress]);

  useEffect(() => {
    (async () => {
      const response = await fetch(new URL('./config.json', location.href), { cache: 'no-store', credentials: 'omit' });
      const parsed = WorkstationConfig.safeParse(await response.json());
      if (!parsed.success) throw new Error('the gatekeeper sent a malformed config.json');
      setConfig(parsed.data);
      setBundle(await servedBundleHash());
      const session = loadSession(nowSeconds());
      if (session === undefined) return setScreen({ kind: 'sign-in' });
      await enter(parsed.data, session, invite);
    })().catch((err: Error) => setScreen({ kind: 'broken', message: err.message }));
  }, []);

  /** Registers this browser's device at the hub and, given the lab's invitation, redeems it at the gatekeeper first. */
  async function enter(cfg: WorkstationConfig, session: Session, invitation?: string): Promise<void> {
    try {
      const bench = await startBench(cfg, session);
      if (invitation !== undefined) {
        setInvite(undefined);
        const enrolled = await new HttpGatekeeperClient(cfg.gatekeeper, webCryptoPrimitives, nowSeconds).enroll(invitation, bench.device, session.annotator);
        return setScreen({ kind: 'enrolled', bench, session, enrolled });
      }
      const { campaigns, refused } = await loadCampaigns(bench);
      setScreen({ kind: 'campaigns', bench, session, campaigns, refused });
    } catch (err) {
      stop(err);
    }
  }

  /** Ends the session's screens for a failure; `typed` is free text of an item the failure closed, shown so it is not lost. */
  function stop(err: unknown, typed?: string): void {
    if (!(err instanceof WorkstationError)) return setScreen({ kind: 'broken', message: (err as Error).message });
    const kept = typed !== undefined && typed !== '' ? { typed } : {};
    if (err.kind === 'signed-out') {
      storeSession(undefined);
      return setScreen({ kind: 'sign-in', error: err, ...kept });
    }
    setScreen({ kind: 'stopped', error: err, ...kept });
  }

  async function signIn(username: string, password: string, code: string): Promise<void> {
    if (!config) return;
    if (code !== '' && !INVITATION_CODE.test(code)) {
      return setScreen({ kind: 'sign-in', error: new WorkstationError('refused', 'An invitation code is 43 letters, digits, - and _, as the lab sent it. Check it and try again.') });
    }
    try {
      const session = await new HttpHubClient(config.hub).login(username, password);
      storeSession(session);
      await enter(config, session, code !== '' ? code : invite);
    } catch (err) {
      // At sign-in, "signed out" means the hub refused the username and password.
      if (err instanceof WorkstationError) setScreen({ kind: 'sign-in', error: err, refused: err.kind === 'signed-out' });
      else stop(err);
    }
  }

  async function signOut(): Promise<void> {
    if (screen.kind === 'campaigns' || screen.kind === 'work') await screen.bench.hub.logout();
    storeSession(undefined);
    setScreen({ kind: 'sign-in' });
  }

  function choose(campaign: Campaign): void {
    if (screen.kind !== 'campaigns') return;
    setScreen({ kind: 'work', bench: screen.bench, session: screen.session, campaign });
  }

  useKeys(({ key, typing, mod }) => {
    if (typing || mod || screen.kind !== 'campaigns') return false;
    const picked = screen.campaigns[Number(key) - 1];
    if (picked === undefined || picked.manifest.body.workstation !== bundle) return false;
    choose(picked);
    return true;
  });

  const matches = bundle !== undefined && config !== undefined && bundle === config.bundle;
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">
          <span class="brand-mark" aria-hidden="true">
            ◉
          </span>{' '}
          keyhole
        </span>
        {screen.kind === 'work' && (
          <span class="topbar-campaign">
            {screen.campaign.manifest.body.title}
            <button type="button" class="quiet" onClick={() => {
                setScreen({ kind: 'starting' });
                void enter(config!, screen.session);
              }}>
              Change
            </button>
          </span>
        )}
        <span class="topbar-spacer" />
        {(screen.kind === 'campaigns' || screen.kind === 'work' || screen.kind === 'enrolled') && (
          <span class="topbar-who" title={`device ${screen.bench.device.id}`}>
            {screen.session.annotator} · device <code>{screen.bench.device.id.slice(0, 8)}</code>
          </span>
        )}
        <span class={`bundle${matches ? '' : ' bad'}`} title={`Workstation bundle SHA-256: ${bundle ?? 'computing'}`} data-bundle={bundle}>
          {bundle === undefined ? 'bundle …' : `bundle ${short(bundle)}`} {matches ? '✓' : '⚠'}
        </span>
        {(screen.kind === 'campaigns' || screen.kind === 'work') && (
          <button type="button" class="quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        )}
      </header>
      <main class="content" id="main">
        {screen.kind === 'starting' && <p class="progress-note">Starting…</p>}
        {screen.kind === 'broken' && (
          <section class="failure" role="alert">
            <h1>The workstation could not start</h1>
            <p>{screen.message}</p>
          </section>
        )}
        {screen.kind === 'sign-in' && <SignIn error={screen.error} refused={screen.refused === true} typed={screen.typed} invited={invite !== undefined} onSubmit={signIn} />}
        {screen.kind === 'enrolled' && <EnrolledCard enrolled={screen.enrolled} device={screen.bench.device} onContinue={() => void enter(config!, screen.session)} />}
        {screen.kind === 'stopped' && (
          <FailureCard error={screen.error} level={1}>
            <KeptText typed={screen.typed} />
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </FailureCard>
        )}
        {screen.kind === 'campaigns' && <CampaignList {...screen} bundle={bundle} device={screen.bench.device} progress={progress} onChoose={choose} />}
        {screen.kind === 'work' && (
          <TaskScreen
            bench={screen.bench}
            campaign={screen.campaign}
            onFatal={stop}
            progress={progress[campaignKey(screen.campaign)] ?? NO_PROGRESS}
            onProgress={(p) => setProgress((all) => ({ ...all, [campaignKey(screen.campaign)]: p }))}
          />
        )}
      </main>
    </div>
  );
}

function SignIn({ error, refused, typed, invited, onSubmit }: { error: WorkstationError | undefined; refused: boolean; typed: string | undefined; invited: boolean; onSubmit: (u: string, p: string, code: string) => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <section class="card narrow">
      <h1>Sign in</h1>
      <p class="lede">Items open here one at a time, only after the lab's key release is on its public log.</p>
      {invited && (
        <p class="invited" data-invited>
          You have an enrollment invitation from the lab. Sign in, and this browser's device key is enrolled for you.
        </p>
      )}
      {error && refused && <FailureCard error={new WorkstationError(error.kind, 'Check both and try again; capital letters count.')} title="Wrong username or password" />}
      {error && !refused && (
        <FailureCard error={error}>
          <KeptText typed={typed} />
        </FailureCard>
      )}
      <div
        class="form"
        onKeyDown={(e) => {
          if (e.key === 'Enter') void go();
        }}
      >
        <label class="field">
          <span>Username</span>
          <input name="username" autoComplete="username" autoFocus value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {!invited && (
          <details class="invite-code">
            <summary>I have an invitation code from the lab</summary>
            <label class="field">
              <span>Invitation code (enrolls this browser's device for you)</span>
              <input name="invite" autoComplete="off" spellcheck={false} value={code} onInput={(e) => setCode(e.currentTarget.value.trim())} />
            </label>
          </details>
        )}
        <button type="button" class="primary" disabled={busy || username === '' || password === ''} onClick={() => void go()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </section>
  );

  async function go(): Promise<void> {
    if (busy || username === '' || password === '') return;
    setBusy(true);
    await onSubmit(username, password, code);
    setBusy(false);
  }
}

const NO_PROGRESS: Progress = { submitted: 0, skipped: 0 };
const campaignKey = (c: Campaign): string => `${c.manifest.body.lab}/${c.manifest.body.campaign}`;

/** A Unix time as an ISO 8601 date (UTC), the same for every reader whatever the browser's locale. */
const isoDate = (unix: number): string => new Date(unix * 1000).toISOString().slice(0, 10);

function CampaignList({ campaigns, refused, bundle, device, progress, onChoose }: { campaigns: Campaign[]; refused: string[]; bundle: string | undefined; device: DeviceKeys; progress: Record<string, Progress>; onChoose: (c: Campaign) => void }) {
  const heading = useFocusOnChange<HTMLHeadingElement>(null);
  return (
    <section class="card">
      <h1 tabIndex={-1} ref={heading}>
        Campaigns
      </h1>
      <p class="lede">
        This browser's device key is <code class="device-id">{device.id}</code>. The lab must approve it before the first item opens.
      </p>
      {campaigns.length === 0 && <p>No open campaigns yet. Ask your operator to put you on a lab's roster.</p>}
      <ol class="campaigns">
        {campaigns.map((c, i) => {
          const m = c.manifest.body;
          const ok = m.workstation === bundle;
          const done = progress[campaignKey(c)] ?? NO_PROGRESS;
          return (
            <li>
              <button type="button" class="campaign" onClick={() => ok && onChoose(c)} disabled={!ok} data-campaign={m.campaign}>
                <kbd>{i + 1}</kbd>
                <span class="campaign-title">{m.title}</span>
                <span class="campaign-meta">
                  {TASK_NAMES[m.task]} · {m.lab} · closes <time dateTime={new Date(m.closes * 1000).toISOString()}>{isoDate(m.closes)}</time>
                </span>
                {done.submitted + done.skipped > 0 && (
                  <span class="campaign-progress" data-progress>
                    This session: {done.submitted} submitted · {done.skipped} skipped
                  </span>
                )}
                {!ok && <span class="campaign-warning">This campaign names another workstation build ({m.workstation.slice(0, 8)}…); ask the lab.</span>}
              </button>
            </li>
          );
        })}
      </ol>
      {refused.length > 0 && (
        <details class="refused">
          <summary>{refused.length} campaign(s) hidden: their manifests did not verify</summary>
          <ul>
            {refused.map((r) => (
              <li>{r}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** After an invitation was redeemed: who the lab bound this device to, and where that is recorded. */
function EnrolledCard({ enrolled, device, onContinue }: { enrolled: Enrolled; device: DeviceKeys; onContinue: () => void }) {
  const heading = useFocusOnChange<HTMLHeadingElement>(null);
  return (
    <section class="card narrow" data-enrolled>
      <h1 tabIndex={-1} ref={heading}>
        Device enrolled
      </h1>
      <p class="lede">
        The lab's invitation bound this browser's device key to <strong>{enrolled.annotator}</strong> at {enrolled.vendor} and approved it. The approval is entry {enrolled.logIndex} of the lab's public log.
      </p>
      <p>
        Device key <code class="device-id">{device.id}</code>
      </p>
      {!enrolled.hub.told && <p class="campaign-warning">The vendor's hub has not taken the approval yet ({enrolled.hub.problem}). If no item opens, tell the lab.</p>}
      <button type="button" class="primary" onClick={onContinue}>
        Continue to campaigns
      </button>
    </section>
  );
}

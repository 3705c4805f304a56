export async function runSampleDemo(_options: { dir?: string; json: boolean }): Promise<void> {
  throw new Error('demo: not wired yet');
}

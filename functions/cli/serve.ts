export async function serve(_options: unknown): Promise<void> {
  throw new Error('serve: not wired yet');
}

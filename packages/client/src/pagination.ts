import { PaginationError } from './errors.js';

/**
 * Lazily walks a cursor-paginated list: `for await (const item of list)` yields items and asks
 * for the next page only when the current one is used up; `.pages()` yields whole pages. An
 * item seen on the page before (a shifting listing) is not yielded again, and a cursor the
 * server already gave (a loop) stops the walk with a PaginationError.
 */
export class Paginator<Item, Page> implements AsyncIterable<Item> {
  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<Page>,
    private readonly itemsOf: (page: Page) => Item[],
    private readonly nextCursorOf: (page: Page) => string | undefined,
    private readonly idOf: (item: Item) => string | undefined,
    private readonly label: string,
  ) {}

  /** Every page, fetched one at a time as the loop asks for it. */
  async *pages(): AsyncGenerator<Page, void, undefined> {
    const cursors = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield page;
      const next = this.nextCursorOf(page);
      if (next === undefined) {
        return;
      }
      if (cursors.has(next)) {
        throw new PaginationError(
          `${this.label}: the server returned a cursor it had already given; stopping instead of looping`,
          {
            operationId: this.label,
          },
        );
      }
      cursors.add(next);
      cursor = next;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    let previous = new Set<string>();
    for await (const page of this.pages()) {
      const current = new Set<string>();
      for (const item of this.itemsOf(page)) {
        const id = this.idOf(item);
        if (id !== undefined) {
          if (previous.has(id) || current.has(id)) {
            continue;
          }
          current.add(id);
        }
        yield item;
      }
      previous = current;
    }
  }

  /** Collects every item into an array (mind the size of what you list). */
  async toArray(): Promise<Item[]> {
    const items: Item[] = [];
    for await (const item of this) {
      items.push(item);
    }
    return items;
  }
}

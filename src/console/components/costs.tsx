/**
 * What a pair costs, on its page (decision 0012): the account's mode and prepaid balance, and
 * the last days of the pair's usage with each billed item. The figures are drsim's, at the
 * world's rates, not the service's prices.
 */
import type { AccountView, UsageReport } from '../../sim/accounts.js';
import { Empty, TableWrap } from './ui.js';

/** Days of usage the pair page lists, newest first. */
const DAYS_SHOWN = 7;

const ITEM_WORDS: Record<string, string> = {
  shadowVolumes: 'Shadow volumes',
  shadowServer: 'Shadow server',
  transmission: 'Cross-region transmission',
  testServer: 'Test server',
  testVolumes: 'Test volumes',
};

const money = (amount: number, currency: string): string =>
  `${amount.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${currency}`;
const quantity = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function Costs(props: { usage: UsageReport | null; account: AccountView | null }) {
  const { usage, account } = props;
  if (!usage) return <Empty>Costs are not available.</Empty>;
  const days = usage.days
    .filter((day) => day.items.length > 0)
    .slice(-DAYS_SHOWN)
    .reverse();
  return (
    <>
      <dl class="facts" id="pair-costs" data-total={usage.total} data-currency={usage.currency}>
        {account ? (
          <>
            <dt>Account</dt>
            <dd>
              {account.mode === 'prepaid' ? 'Prepaid' : 'Postpaid'}
              {account.balance !== null ? `, balance ${money(account.balance, account.currency)}` : ''}
              {account.unpaid > 0 ? `, unpaid ${money(account.unpaid, account.currency)}` : ''}
            </dd>
          </>
        ) : null}
        <dt>
          This pair, {usage.from} to {usage.to}
        </dt>
        <dd>{money(usage.total, usage.currency)}</dd>
      </dl>
      {days.length === 0 ? (
        <Empty>Nothing billed yet: costs start with the full replication.</Empty>
      ) : (
        <TableWrap label="Costs per day">
          <table class="table">
            <caption class="visually-hidden">
              Costs of the pair per day ({usage.timeZone}), newest first, at drsim's rates
            </caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Item</th>
                <th scope="col">Quantity</th>
                <th scope="col">Amount</th>
              </tr>
            </thead>
            <tbody>
              {days.flatMap((day) =>
                day.items.map((line, index) => (
                  <tr data-usage-day={day.date} data-usage-item={line.item}>
                    {index === 0 ? (
                      <th scope="row" rowspan={day.items.length}>
                        {day.date}
                        <br />
                        <span class="hint">total {money(day.total, usage.currency)}</span>
                      </th>
                    ) : null}
                    <td>
                      {ITEM_WORDS[line.item] ?? line.item}
                      {line.volumeType ? ` (${line.volumeType})` : ''}
                    </td>
                    <td>
                      {quantity(line.quantity)} {line.unit}
                    </td>
                    <td>{money(line.amount, usage.currency)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}

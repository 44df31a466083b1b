export { isOrderViewEventType, orderViewEventTypes, type OrderEvent, type OrderLine, type OrderPlaced, type OrderViewEventType } from './events.ts';
export {
  customerSummariesCollection,
  customerSummaryProjection,
  evolveCustomerSummary,
  isCustomerEvent,
  ordersOf,
  summaryStatuses,
  type CustomerEvent,
  type CustomerOrder,
  type CustomerSummary,
  type StatusTotals,
  type SummaryStatus,
} from './customer-summary.ts';
export { newestOrdersFirst, orderViewIndexes, type ReadModelIndex } from './indexes.ts';
export {
  deriveStatus,
  evolveOrderView,
  finalOrderStatuses,
  openOrderStatuses,
  orderStatuses,
  orderViewProjection,
  orderViewsCollection,
  type OrderStatus,
  type OrderView,
  type OrderViewLine,
  type TimelineEntry,
  type TimelineStep,
} from './order-view.ts';
export { findProjection, projections, type ProjectionDefinition, type StreamTopics } from './projections.ts';

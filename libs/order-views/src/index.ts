export type { OrderEvent, OrderLine, OrderPlaced } from './events.ts';
export {
  evolveOrderView,
  orderViewProjection,
  orderViewsCollection,
  type OrderStatus,
  type OrderView,
  type OrderViewLine,
  type TimelineEntry,
} from './order-view.ts';

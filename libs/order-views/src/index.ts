export { isOrderViewEventType, orderViewEventTypes, type OrderEvent, type OrderLine, type OrderPlaced, type OrderViewEventType } from './events.ts';
export {
  deriveStatus,
  evolveOrderView,
  orderViewProjection,
  orderViewsCollection,
  type OrderStatus,
  type OrderView,
  type OrderViewLine,
  type TimelineEntry,
  type TimelineStep,
} from './order-view.ts';

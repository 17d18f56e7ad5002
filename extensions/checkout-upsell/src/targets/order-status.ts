import { mount } from "../ui/OfferBlock";

// Order status has no order confirmation (the Order API is thank-you only): a new checkout link.
export default () => mount("thank_you", "order_status");

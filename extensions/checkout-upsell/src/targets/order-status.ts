import { mount } from "../ui/OfferBlock";

// The paid order cannot change: the offer links to a new checkout.
export default () => mount("thank_you", "order_status");

import { mount } from "../ui/OfferBlock";

export default () => mount("payment");

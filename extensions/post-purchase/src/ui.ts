import type { FC, ReactNode } from "react";
import * as Library from "@shopify/post-purchase-ui-extensions-react";
import type {
  BlockStackProps,
  ButtonProps,
  CalloutBannerProps,
  HeadingProps,
  ImageProps,
  LayoutProps,
  SelectProps,
  SeparatorProps,
  TextBlockProps,
  TextContainerProps,
  TextProps,
  ViewProps,
} from "@shopify/post-purchase-ui-extensions-react";

/**
 * The library's components typed with the extension's own React 17 types. @remote-ui/react ships
 * its own nested copy of @types/react, which the app's React 18 program cannot reconcile with JSX;
 * these aliases keep every prop checked in both the app's and the extension's TypeScript programs.
 */
type C<P> = FC<P & { children?: ReactNode }>;
export const BlockStack = Library.BlockStack as unknown as C<BlockStackProps>;
export const Button = Library.Button as unknown as C<ButtonProps>;
export const CalloutBanner = Library.CalloutBanner as unknown as C<CalloutBannerProps>;
export const Heading = Library.Heading as unknown as C<HeadingProps>;
export const Image = Library.Image as unknown as C<ImageProps>;
export const Layout = Library.Layout as unknown as C<LayoutProps>;
export const Select = Library.Select as unknown as C<SelectProps>;
export const Separator = Library.Separator as unknown as C<SeparatorProps>;
export const Text = Library.Text as unknown as C<TextProps>;
export const TextBlock = Library.TextBlock as unknown as C<TextBlockProps>;
export const TextContainer = Library.TextContainer as unknown as C<TextContainerProps>;
export const View = Library.View as unknown as C<ViewProps>;
